//! Latency bookkeeping: HdrHistograms in microseconds (1 µs to 60 s, three
//! significant figures), the percentile summary every report shows, and the
//! two file formats other HdrHistogram tools read: the percentile
//! distribution text (`.hgrm`) and the V2 interval log (`.hlog`).

use hdrhistogram::serialization::interval_log::{IntervalLogWriterBuilder, Tag};
use hdrhistogram::serialization::V2DeflateSerializer;
use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};
use std::io::{self, Write};
use std::time::{Duration, SystemTime};

/// Lowest and highest trackable values, in microseconds.
pub const LOWEST_US: u64 = 1;
pub const HIGHEST_US: u64 = 60_000_000;
pub const SIGFIG: u8 = 3;

pub fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(LOWEST_US, HIGHEST_US, SIGFIG).expect("valid histogram bounds")
}

/// Records `d`, clamped into the trackable range.
pub fn record(h: &mut Histogram<u64>, d: Duration) {
    let us = (d.as_micros() as u64).clamp(LOWEST_US, HIGHEST_US);
    h.record(us).expect("value clamped into range");
}

/// Percentiles of one histogram, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Stats {
    pub samples: u64,
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    pub p999_ms: f64,
    pub max_ms: f64,
    pub mean_ms: f64,
}

fn ms(us: u64) -> f64 {
    (us as f64 / 1000.0 * 1000.0).round() / 1000.0
}

impl Stats {
    pub fn of(h: &Histogram<u64>) -> Self {
        if h.is_empty() {
            return Stats {
                samples: 0,
                p50_ms: 0.0,
                p90_ms: 0.0,
                p99_ms: 0.0,
                p999_ms: 0.0,
                max_ms: 0.0,
                mean_ms: 0.0,
            };
        }
        Stats {
            samples: h.len(),
            p50_ms: ms(h.value_at_quantile(0.50)),
            p90_ms: ms(h.value_at_quantile(0.90)),
            p99_ms: ms(h.value_at_quantile(0.99)),
            p999_ms: ms(h.value_at_quantile(0.999)),
            max_ms: ms(h.max()),
            mean_ms: (h.mean() / 1000.0 * 1000.0).round() / 1000.0,
        }
    }
}

/// Percentiles at which reports plot a latency distribution.
pub const PLOT_PERCENTILES: [f64; 13] = [
    0.0, 10.0, 25.0, 50.0, 75.0, 90.0, 95.0, 99.0, 99.5, 99.9, 99.95, 99.99, 100.0,
];

/// (percentile, milliseconds) points of a histogram, for plotting.
pub fn distribution(h: &Histogram<u64>) -> Vec<(f64, f64)> {
    if h.is_empty() {
        return Vec::new();
    }
    PLOT_PERCENTILES
        .iter()
        .map(|&p| (p, h.value_at_quantile(p / 100.0) as f64 / 1000.0))
        .collect()
}

/// Writes `h` (in µs) as HdrHistogram's percentile distribution text, in
/// milliseconds with three decimals: the `.hgrm` format that the Java
/// `outputPercentileDistribution` prints and the online plotter reads.
pub fn write_percentiles<W: Write>(h: &Histogram<u64>, out: &mut W) -> io::Result<()> {
    const SCALE: f64 = 1000.0;
    writeln!(
        out,
        "{:>12} {:>14} {:>10} {:>14}\n",
        "Value", "Percentile", "TotalCount", "1/(1-Percentile)"
    )?;
    let mut total = 0u64;
    if !h.is_empty() {
        for v in h.iter_quantiles(5) {
            total += v.count_since_last_iteration();
            let value = v.value_iterated_to() as f64 / SCALE;
            let q = v.quantile_iterated_to();
            if q < 1.0 {
                writeln!(
                    out,
                    "{value:>12.3} {q:>2.12} {total:>10} {:>14.2}",
                    1.0 / (1.0 - q)
                )?;
            } else {
                writeln!(out, "{value:>12.3} {q:>2.12} {total:>10}")?;
            }
        }
    }
    let (mean, stdev) = if h.is_empty() {
        (0.0, 0.0)
    } else {
        (h.mean() / SCALE, h.stdev() / SCALE)
    };
    let buckets = u64::from(h.buckets());
    let sub_buckets = 2 * h.distinct_values() as u64 / (buckets + 1);
    writeln!(
        out,
        "#[Mean    = {mean:>12.3}, StdDeviation   = {stdev:>12.3}]"
    )?;
    writeln!(
        out,
        "#[Max     = {:>12.3}, Total count    = {:>12}]",
        h.max() as f64 / SCALE,
        h.len()
    )?;
    writeln!(
        out,
        "#[Buckets = {buckets:>12}, SubBuckets     = {sub_buckets:>12}]"
    )
}

/// One interval of an interval log.
pub struct Interval<'a> {
    /// From the log's start time.
    pub start: Duration,
    pub length: Duration,
    /// `None` for the log's main series.
    pub tag: Option<&'a str>,
    pub histogram: &'a Histogram<u64>,
}

/// A V2 interval log (HdrHistogram's `.hlog`, compressed V2 histograms in
/// µs, maxima shown in ms) of `intervals`, which start at `start_time`.
pub fn interval_log(start_time: SystemTime, comment: &str, intervals: &[Interval<'_>]) -> String {
    let mut buf = Vec::new();
    let mut serializer = V2DeflateSerializer::new();
    {
        let mut builder = IntervalLogWriterBuilder::new();
        for line in comment.lines() {
            builder.add_comment(line);
        }
        builder
            .add_comment("[Histogram log format version 1.3]")
            .with_start_time(start_time)
            .with_base_time(start_time);
        builder
            .begin_log_with(&mut buf, &mut serializer)
            .expect("writing to memory cannot fail");
    }
    buf.extend_from_slice(
        b"\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\"\n",
    );
    {
        let mut writer = IntervalLogWriterBuilder::new()
            .with_max_value_divisor(1000.0)
            .begin_log_with(&mut buf, &mut serializer)
            .expect("writing to memory cannot fail");
        for i in intervals {
            writer
                .write_histogram(i.histogram, i.start, i.length, i.tag.and_then(Tag::new))
                .expect("serialising to memory cannot fail");
        }
    }
    String::from_utf8(buf).expect("interval logs are ASCII")
}

/// The histograms of a V2 interval log, by series (`None` for the untagged
/// one), each a list of (interval start, histogram) in log order.
#[derive(Debug, Default)]
pub struct ReadLog {
    /// The log's `#[StartTime: …]`, when it has one.
    pub start_time: Option<SystemTime>,
    pub series: std::collections::BTreeMap<Option<String>, Vec<(Duration, Histogram<u64>)>>,
}

/// Why an interval log could not be read back.
#[derive(Debug, thiserror::Error)]
pub enum LogReadError {
    #[error("unreadable line at byte {0}")]
    Syntax(usize),
    #[error("interval {0}: the histogram is not base64")]
    Base64(usize),
    #[error("interval {0}: the histogram cannot be decoded ({1:?})")]
    Histogram(usize, hdrhistogram::serialization::DeserializeError),
    #[error("interval {0}: values outside vigil's range (1 µs to 60 s)")]
    Range(usize),
    #[error("more than the {0} intervals expected")]
    TooLong(usize),
}

/// Reads back a V2 interval log written by [`interval_log`] (or any
/// HdrHistogram tool): every histogram, decoded exactly, in vigil's bounds.
/// A log with more than `max_intervals` intervals is refused before they
/// are decoded (each decoded histogram takes about 140 kB).
pub fn read_interval_log(text: &[u8], max_intervals: usize) -> Result<ReadLog, LogReadError> {
    use base64::Engine;
    use hdrhistogram::serialization::interval_log::{IntervalLogIterator, LogEntry};
    use hdrhistogram::serialization::Deserializer;
    let mut out = ReadLog::default();
    let mut de = Deserializer::new();
    let mut n = 0usize;
    for entry in IntervalLogIterator::new(text) {
        let entry = entry.map_err(|e| match e {
            hdrhistogram::serialization::interval_log::LogIteratorError::ParseError { offset } => {
                LogReadError::Syntax(offset)
            }
        })?;
        match entry {
            LogEntry::StartTime(t) => out.start_time = Some(SystemTime::UNIX_EPOCH + t),
            LogEntry::BaseTime(_) => {}
            LogEntry::Interval(i) => {
                n += 1;
                if n > max_intervals {
                    return Err(LogReadError::TooLong(max_intervals));
                }
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(i.encoded_histogram())
                    .map_err(|_| LogReadError::Base64(n))?;
                let decoded: Histogram<u64> = de
                    .deserialize(&mut bytes.as_slice())
                    .map_err(|e| LogReadError::Histogram(n, e))?;
                let mut h = histogram();
                h.add(&decoded).map_err(|_| LogReadError::Range(n))?;
                out.series
                    .entry(i.tag().map(|t| t.as_str().to_string()))
                    .or_default()
                    .push((i.start_timestamp(), h));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_of_a_known_distribution() {
        let mut h = histogram();
        for i in 1..=1000u64 {
            record(&mut h, Duration::from_micros(i * 100));
        }
        let s = Stats::of(&h);
        assert_eq!(s.samples, 1000);
        assert!((s.p50_ms - 50.0).abs() < 0.1, "{s:?}");
        assert!((s.p99_ms - 99.0).abs() < 0.1, "{s:?}");
        assert!((s.max_ms - 100.0).abs() < 0.1, "{s:?}");
    }

    #[test]
    fn out_of_range_values_are_clamped() {
        let mut h = histogram();
        record(&mut h, Duration::ZERO);
        record(&mut h, Duration::from_secs(120));
        assert_eq!(h.len(), 2);
        assert!(Stats::of(&h).max_ms >= 59_000.0);
    }

    #[test]
    fn percentile_text_follows_the_hgrm_layout() {
        let mut h = histogram();
        for i in 1..=100u64 {
            record(&mut h, Duration::from_millis(i));
        }
        let mut out = Vec::new();
        write_percentiles(&h, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].trim_start().starts_with("Value"), "{text}");
        assert_eq!(lines[1], "");
        let last_value = lines
            .iter()
            .rev()
            .find(|l| !l.starts_with('#'))
            .unwrap()
            .split_whitespace()
            .collect::<Vec<_>>();
        assert_eq!(last_value.len(), 3, "{text}");
        assert!(last_value[1].starts_with("1.0000"), "{text}");
        assert_eq!(last_value[2], "100");
        assert!(text.contains("Total count    =          100]"), "{text}");
        let mut empty = Vec::new();
        write_percentiles(&histogram(), &mut empty).unwrap();
    }

    #[test]
    fn interval_logs_read_back() {
        use hdrhistogram::serialization::interval_log::{IntervalLogIterator, LogEntry};
        let mut a = histogram();
        record(&mut a, Duration::from_millis(5));
        let mut b = histogram();
        record(&mut b, Duration::from_millis(7));
        record(&mut b, Duration::from_millis(9));
        let log = interval_log(
            SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000),
            "test log",
            &[
                Interval {
                    start: Duration::ZERO,
                    length: Duration::from_secs(1),
                    tag: None,
                    histogram: &a,
                },
                Interval {
                    start: Duration::from_secs(1),
                    length: Duration::from_secs(1),
                    tag: Some("service"),
                    histogram: &b,
                },
            ],
        );
        assert!(log.starts_with("#test log\n"), "{log}");
        let mut seen = Vec::new();
        for entry in IntervalLogIterator::new(log.as_bytes()) {
            if let LogEntry::Interval(i) = entry.unwrap() {
                seen.push((
                    i.tag().map(|t| t.as_str().to_string()),
                    i.start_timestamp().as_secs(),
                    i.max().round() as u64,
                ));
            }
        }
        assert_eq!(seen, vec![(None, 0, 5), (Some("service".into()), 1, 9)]);
        assert!(log.contains("#[StartTime: 1700000000.000"), "{log}");
        // The histograms themselves come back exactly.
        let read = read_interval_log(log.as_bytes(), 10).unwrap();
        assert!(matches!(
            read_interval_log(log.as_bytes(), 1),
            Err(LogReadError::TooLong(1))
        ));
        assert_eq!(
            read.start_time,
            Some(SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000))
        );
        assert_eq!(read.series[&None], vec![(Duration::ZERO, a)]);
        assert_eq!(
            read.series[&Some("service".to_string())],
            vec![(Duration::from_secs(1), b)]
        );
        // A damaged line is an error naming where, not a panic.
        let torn = log.replace("HISTFAA", "HISTF!!");
        assert!(read_interval_log(torn.as_bytes(), 10).is_err());
        assert!(matches!(
            read_interval_log(b"0.000,1.000,5.0,not-a-histogram\n", 10),
            Err(LogReadError::Base64(1) | LogReadError::Histogram(1, _) | LogReadError::Syntax(_))
        ));
    }
}
