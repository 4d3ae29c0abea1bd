//! Reading an answer's body with a cap. A service can answer with a body
//! that never ends (or a 400 MB one); vigil reads at most the cap, frame by
//! frame, and stops there: the answer is a contract violation ("answer
//! larger than 1 MiB") and the caller drops the connection. Both clients —
//! reqwest for the appropriateness phase, hyper for the load phase — read
//! through [`read`], so the cap and its words are the same.

use bytes::{Bytes, BytesMut};
use http_body::Body;
use http_body_util::BodyExt;

/// The default cap on an answer's body: 1 MiB.
pub const DEFAULT_MAX_BODY: usize = 1024 * 1024;

/// Why a body was not read to its end.
#[derive(Debug)]
pub enum BodyError<E> {
    /// The body is longer than the cap; `head` is what was read before
    /// stopping (at most the cap).
    TooLarge { head: Bytes },
    /// The transport failed while reading.
    Read(E),
}

/// Reads `body` to its end, or stops as soon as it is known to be longer
/// than `cap` bytes (by its declared length, or once more than `cap` bytes
/// have arrived). Memory stays within `cap` plus one frame.
pub async fn read<B: Body<Data = Bytes>>(
    body: B,
    cap: usize,
) -> Result<Bytes, BodyError<B::Error>> {
    let declared = body.size_hint().lower();
    if declared > cap as u64 {
        return Err(BodyError::TooLarge { head: Bytes::new() });
    }
    let mut body = std::pin::pin!(body);
    let mut buf = BytesMut::with_capacity(declared as usize);
    while let Some(frame) = body.as_mut().frame().await {
        let Ok(data) = frame.map_err(BodyError::Read)?.into_data() else {
            continue; // trailers
        };
        if buf.len() + data.len() > cap {
            let room = cap - buf.len();
            buf.extend_from_slice(&data[..room]);
            return Err(BodyError::TooLarge { head: buf.freeze() });
        }
        buf.extend_from_slice(&data);
    }
    Ok(buf.freeze())
}

/// The contract violation for a body over `cap`: "answer larger than 1 MiB".
pub fn too_large(cap: usize) -> String {
    const KIB: usize = 1024;
    const MIB: usize = 1024 * 1024;
    let size = if cap >= MIB && cap % MIB == 0 {
        format!("{} MiB", cap / MIB)
    } else if cap >= KIB && cap % KIB == 0 {
        format!("{} KiB", cap / KIB)
    } else {
        format!("{cap} bytes")
    };
    format!("answer larger than {size}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body::Frame;
    use http_body_util::Full;
    use std::convert::Infallible;
    use std::pin::Pin;
    use std::task::{Context, Poll};

    /// A body of 1 KiB frames that never ends.
    struct Endless;

    impl Body for Endless {
        type Data = Bytes;
        type Error = Infallible;
        fn poll_frame(
            self: Pin<&mut Self>,
            _: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
            Poll::Ready(Some(Ok(Frame::data(Bytes::from(vec![b'x'; 1024])))))
        }
    }

    #[test]
    fn the_cap_is_said_in_plain_units() {
        assert_eq!(too_large(DEFAULT_MAX_BODY), "answer larger than 1 MiB");
        assert_eq!(too_large(64 * 1024), "answer larger than 64 KiB");
        assert_eq!(too_large(1000), "answer larger than 1000 bytes");
    }

    #[tokio::test]
    async fn a_body_within_the_cap_is_read_whole() {
        let got = read(Full::new(Bytes::from_static(b"{\"a\":1}")), 7).await;
        assert_eq!(got.unwrap(), Bytes::from_static(b"{\"a\":1}"));
    }

    #[tokio::test]
    async fn a_declared_length_over_the_cap_is_refused_unread() {
        let got = read(Full::new(Bytes::from(vec![b'x'; 100])), 99).await;
        assert!(matches!(got, Err(BodyError::TooLarge { head }) if head.is_empty()));
    }

    #[tokio::test]
    async fn an_endless_body_stops_at_the_cap() {
        let got = read(Endless, 10_000).await;
        match got {
            Err(BodyError::TooLarge { head }) => assert_eq!(head.len(), 10_000),
            other => panic!("{other:?}"),
        }
    }
}
