//! How far a measured p99 can be trusted. A p99 from a few hundred samples
//! rests on a handful of values, so the gate compares the budget with a
//! distribution-free upper confidence bound on the true p99: an order
//! statistic of the sample. Among `n` independent samples, the number at or
//! below the true 0.99 quantile is Binomial(n, 0.99), so the `r`-th smallest
//! value lies at or above the true p99 with probability
//! P(Binomial(n, 0.99) < r). The bound is the value at the smallest such rank
//! `r` for which that probability is at least [`CONFIDENCE`] — a one-sided
//! 95% bound (not the 97.5% end of a two-sided interval). The rank is exact
//! (binomial sums in log space) up to [`EXACT_UP_TO`] samples and from the
//! normal approximation with continuity correction above; it exists only from
//! [`MIN_SAMPLES`] samples on, below which nothing bounds the p99 at all.

use hdrhistogram::Histogram;

/// The quantile the gate bounds.
pub const QUANTILE: f64 = 0.99;
/// One-sided confidence of the upper bound.
pub const CONFIDENCE: f64 = 0.95;
/// Fewest samples for which an upper bound on the p99 exists:
/// the largest value bounds it with probability 1 − 0.99ⁿ ≥ 0.95.
pub const MIN_SAMPLES: u64 = 299;
/// Above this many samples the rank comes from the normal approximation.
pub const EXACT_UP_TO: u64 = 1_000_000;

/// z for a one-sided 95% bound.
const Z: f64 = 1.644_853_626_951_472_2;

/// The 1-based rank of the order statistic that bounds the p99 from above
/// with [`CONFIDENCE`], or `None` when `n` samples are too few.
pub fn p99_upper_rank(n: u64) -> Option<u64> {
    if n < MIN_SAMPLES {
        return None;
    }
    if n > EXACT_UP_TO {
        return Some(normal_rank(n));
    }
    exact_rank(n)
}

/// Exact: with F = n − B ~ Binomial(n, 0.01) the number of samples above
/// the true p99, P(B < r) = P(F > n − r). The smallest such r is n − m where
/// m is the largest count with P(F ≤ m) ≤ 1 − CONFIDENCE.
fn exact_rank(n: u64) -> Option<u64> {
    let q = 1.0 - QUANTILE;
    let nf = n as f64;
    let step = (q / QUANTILE).ln();
    let mut log_pmf = nf * QUANTILE.ln(); // P(F = 0)
    let mut cdf = log_pmf.exp();
    if cdf > 1.0 - CONFIDENCE {
        return None;
    }
    let mut m = 0u64;
    loop {
        // P(F = m + 1) from P(F = m).
        log_pmf += ((nf - m as f64) / (m as f64 + 1.0)).ln() + step;
        let next = cdf + log_pmf.exp();
        if next > 1.0 - CONFIDENCE || m + 1 >= n {
            return Some(n - m);
        }
        cdf = next;
        m += 1;
    }
}

/// Normal approximation with continuity correction:
/// P(B ≤ r − 1) ≈ Φ((r − 1 + 0.5 − np) / √(np(1 − p))) ≥ CONFIDENCE.
fn normal_rank(n: u64) -> u64 {
    let nf = n as f64;
    let sd = (nf * QUANTILE * (1.0 - QUANTILE)).sqrt();
    let k = (nf * QUANTILE + Z * sd - 0.5).ceil().max(0.0) as u64;
    (k + 1).min(n)
}

/// The `rank`-th smallest value (1-based) in `h`, as the highest value
/// equivalent to its bucket, so that it never understates.
pub fn value_at_rank(h: &Histogram<u64>, rank: u64) -> Option<u64> {
    if rank == 0 || rank > h.len() {
        return None;
    }
    let mut seen = 0u64;
    for v in h.iter_recorded() {
        seen += v.count_at_value();
        if seen >= rank {
            return Some(v.value_iterated_to());
        }
    }
    None
}

/// The upper confidence bound on the p99 of `h`, in its unit.
pub fn p99_upper_bound(h: &Histogram<u64>) -> Option<u64> {
    p99_upper_rank(h.len()).and_then(|r| value_at_rank(h, r))
}

/// How many samples a run needs for the bound to fall at or below the
/// budget, when a share `above` of the samples exceeds it: the smallest n
/// with at least ⌈above·n⌉ samples left above the bounding rank. `None` when
/// no run length settles it (the share is at or above 1%).
pub fn samples_needed(above: f64) -> Option<u64> {
    if !(0.0..1.0 - QUANTILE).contains(&above) {
        return None;
    }
    let fits = |n: u64| match p99_upper_rank(n) {
        Some(r) => (above * n as f64).ceil() as u64 <= n - r,
        None => false,
    };
    let mut hi = MIN_SAMPLES;
    while !fits(hi) {
        hi = hi.checked_mul(2)?;
        if hi > 1 << 40 {
            return None;
        }
    }
    // Not exactly monotone (ranks are integers), so search the last
    // doubling linearly in coarse steps, then finely.
    let mut lo = (hi / 2).max(MIN_SAMPLES);
    let coarse = ((hi - lo) / 256).max(1);
    while lo < hi && !fits(lo) {
        lo += coarse;
    }
    let mut n = lo.saturating_sub(coarse).max(MIN_SAMPLES);
    while !fits(n) {
        n += 1;
    }
    Some(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::latency;

    /// P(Binomial(n, p) < r), summed directly, for small n.
    fn prob_below(n: u64, r: u64) -> f64 {
        let mut total = 0.0;
        for k in 0..r {
            let mut log_c = 0.0;
            for i in 0..k {
                log_c += ((n - i) as f64).ln() - ((i + 1) as f64).ln();
            }
            total += (log_c + k as f64 * QUANTILE.ln() + (n - k) as f64 * 0.01f64.ln()).exp();
        }
        total
    }

    #[test]
    fn no_bound_below_299_samples() {
        assert_eq!(p99_upper_rank(0), None);
        assert_eq!(p99_upper_rank(50), None);
        assert_eq!(p99_upper_rank(298), None);
        // With 299 samples only the maximum bounds the p99.
        assert_eq!(p99_upper_rank(299), Some(299));
    }

    #[test]
    fn rank_is_the_smallest_with_enough_confidence() {
        for n in [299u64, 300, 400, 500, 1000, 2000, 5000] {
            let r = p99_upper_rank(n).unwrap();
            assert!(prob_below(n, r) >= CONFIDENCE, "n={n} r={r}");
            assert!(prob_below(n, r - 1) < CONFIDENCE, "n={n} r={r}");
        }
    }

    #[test]
    fn known_ranks() {
        // 1000 samples: 10 expected above the p99; the bound is the 996th
        // value: P(B < 996) ≈ 0.9713 while P(B < 995) ≈ 0.9339.
        assert_eq!(p99_upper_rank(1000), Some(996));
        // 500 samples: the 499th value (P ≈ 0.9602; the 498th: 0.8766).
        assert_eq!(p99_upper_rank(500), Some(499));
    }

    #[test]
    fn normal_approximation_agrees_with_the_exact_rank_where_they_meet() {
        for n in [100_000u64, 500_000, EXACT_UP_TO] {
            let exact = exact_rank(n).unwrap() as i64;
            let approx = normal_rank(n) as i64;
            // Skew of Binomial(n, 0.01) moves the exact rank by a few.
            assert!((exact - approx).abs() <= 3, "n={n} {exact} vs {approx}");
        }
        let big = p99_upper_rank(10_000_000).unwrap();
        assert!(big > 9_900_000 && big < 9_900_600, "{big}");
    }

    #[test]
    fn value_at_rank_reads_the_histogram() {
        let mut h = latency::histogram();
        for i in 1..=1000u64 {
            h.record(i * 100).unwrap();
        }
        assert_eq!(value_at_rank(&h, 1), Some(100));
        assert_eq!(value_at_rank(&h, 1000), Some(h.highest_equivalent(100_000)));
        assert_eq!(value_at_rank(&h, 1001), None);
        let ub = p99_upper_bound(&h).unwrap();
        assert_eq!(ub, h.highest_equivalent(99_600));
        assert!(ub >= h.value_at_quantile(0.99));
    }

    #[test]
    fn samples_needed_grows_as_the_tail_nears_one_percent() {
        assert_eq!(samples_needed(0.0), Some(MIN_SAMPLES));
        let a = samples_needed(0.005).unwrap();
        let b = samples_needed(0.009).unwrap();
        assert!(a < b, "{a} {b}");
        // About (z·√0.0099 / 0.005)² ≈ 1,070 samples at 0.5%.
        assert!((800..2_000).contains(&a), "{a}");
        for n in [a, b] {
            let r = p99_upper_rank(n).unwrap();
            let share = if n == a { 0.005 } else { 0.009 };
            assert!((share * n as f64).ceil() as u64 <= n - r);
        }
        assert_eq!(samples_needed(0.01), None);
        assert_eq!(samples_needed(0.5), None);
    }
}
