//! Where in a token a slip of the finger can lie, for the reference
//! service's speller. A repair keeps the letters before the slip and the
//! letters after it, so both must begin and end some known word: in
//! "somethng" the letters "someth" begin a word and "ng" ends one, and a
//! slip can only lie between them. The speller tries its edits there alone,
//! rather than at every letter of a long token. Beginnings and endings of
//! words are kept as hashed bits: a false "yes" only costs a wasted try,
//! never a missed word.

/// Bits in each table: about ten per beginning or ending of a word.
const BITS: usize = 1 << 23;

/// A seeded FNV-1a hash of some bytes, extended a byte at a time.
#[derive(Clone, Copy)]
struct Hash(u64);

impl Hash {
    const START: Hash = Hash(0xcbf2_9ce4_8422_2325);

    fn push(self, b: u8) -> Hash {
        Hash((self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
    }

    fn bit(self) -> usize {
        // Fold the high bits in: FNV's low bits alone are weak.
        ((self.0 ^ (self.0 >> 29)) as usize) & (BITS - 1)
    }
}

/// Beginnings and endings of every word the speller may repair a token to,
/// and the words themselves.
pub(super) struct Affixes {
    starts: Vec<u64>,
    ends: Vec<u64>,
    whole: Vec<u64>,
}

fn set(table: &mut [u64], h: Hash) {
    let i = h.bit();
    table[i / 64] |= 1 << (i % 64);
}

fn get(table: &[u64], h: Hash) -> bool {
    let i = h.bit();
    table[i / 64] & (1 << (i % 64)) != 0
}

/// The bytes of `w` in order, with each run of one letter read once when
/// `squeezed`.
fn letters(w: &[u8], squeezed: bool) -> impl Iterator<Item = u8> + '_ {
    w.iter()
        .enumerate()
        .filter(move |&(i, &b)| !squeezed || i == 0 || w[i - 1] != b)
        .map(|(_, &b)| b)
}

impl Affixes {
    /// Every beginning and ending of `words`, as written and squeezed.
    pub(super) fn new<'a>(words: impl IntoIterator<Item = &'a str>) -> Self {
        let mut starts = vec![0u64; BITS / 64];
        let mut ends = vec![0u64; BITS / 64];
        let mut whole = vec![0u64; BITS / 64];
        for w in words {
            let b = w.as_bytes();
            for squeezed in [false, true] {
                let mut h = Hash::START;
                set(&mut starts, h);
                for c in letters(b, squeezed) {
                    h = h.push(c);
                    set(&mut starts, h);
                }
                set(&mut whole, h);
                let rev: Vec<u8> = letters(b, squeezed).collect();
                let mut h = Hash::START;
                set(&mut ends, h);
                for &c in rev.iter().rev() {
                    h = h.push(c);
                    set(&mut ends, h);
                }
            }
        }
        Affixes {
            starts,
            ends,
            whole,
        }
    }

    /// Whether `w` may be a known word, as written or squeezed: a quick
    /// "no" before any look-up in the word lists.
    pub(super) fn word(&self, w: &[u8]) -> bool {
        self.word_of(&[w])
    }

    /// [`Affixes::word`] for the string the `parts` make together.
    pub(super) fn word_of(&self, parts: &[&[u8]]) -> bool {
        let (mut raw, mut sq) = (Hash::START, Hash::START);
        let mut last = None;
        for &b in parts.iter().flat_map(|p| p.iter()) {
            raw = raw.push(b);
            if last != Some(b) {
                sq = sq.push(b);
            }
            last = Some(b);
        }
        get(&self.whole, raw) || get(&self.whole, sq)
    }

    /// Where a slip in `w` may lie: `(before, after)`, the longest run of
    /// letters at the start that begins a word, and the position from which
    /// the rest ends one. An edit at `i` that keeps `w[..i]` and `w[j..]`
    /// can give a word only when `i <= before` and `j >= after`.
    pub(super) fn span(&self, w: &[u8]) -> (usize, usize) {
        let reach = |table: &[u64], bytes: &mut dyn Iterator<Item = (usize, u8)>| {
            // Written and squeezed at once: the longest run either way.
            let (mut raw, mut sq) = (Hash::START, Hash::START);
            let (mut raw_ok, mut sq_ok) = (true, true);
            let mut last = None;
            let mut n = 0;
            for (k, b) in bytes {
                raw = raw.push(b);
                raw_ok &= get(table, raw);
                if last != Some(b) {
                    sq = sq.push(b);
                    sq_ok &= get(table, sq);
                }
                last = Some(b);
                if !(raw_ok || sq_ok) {
                    break;
                }
                n = k + 1;
            }
            n
        };
        let before = reach(&self.starts, &mut w.iter().copied().enumerate());
        let after = w.len() - reach(&self.ends, &mut w.iter().rev().copied().enumerate());
        (before, after)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: (usize, usize)) {
        let affixes = Affixes::new(["something", "sing", "bottle"]);
        assert_eq!(affixes.span(input.as_bytes()), expected, "{input}");
    }

    #[test]
    fn a_slip_lies_between_a_beginning_and_an_ending() {
        // "someth" begins a word, "ng" ends one.
        check("somethng", (6, 6));
        // Squeezed letters begin a word too ("botle").
        check("botlex", (5, 6));
        // A word of its own spans the whole token either way.
        check("sing", (4, 0));
        // Letters that begin and end nothing leave no room.
        check("qqq", (0, 3));
    }

    #[test]
    fn words_pass_and_others_mostly_do_not() {
        let affixes = Affixes::new(["something", "bottle"]);
        assert!(affixes.word(b"something"));
        assert!(affixes.word(b"botle"));
        assert!(affixes.word(b"bottle"));
        assert!(!affixes.word(b"someth"));
        assert!(affixes.word_of(&[b"some", b"thing"]));
    }
}
