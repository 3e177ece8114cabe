//! How far this computer's clock is from a server's, from timed requests: the seed's 30-second rule
//! (ABRA Flexi's help: a code is accepted within one 30-second step, so a clock off by more than
//! 30 s fails activation, and past 15 s codes start to be refused near the step's end).
//!
//! Each request is a [`TimeSample`]: the local clock when it was sent and when its answer arrived,
//! and the server's time in it, which is exact to `resolution_ms` (1 ms for the companion server's
//! `/api/time`; 1,000 ms for an HTTP `Date` header, which counts whole seconds). The server read its
//! clock somewhere between send and arrival, so the offset (server − local) lies in
//! `[server − received, server + resolution − sent]`. Every sample narrows it: the estimate is the
//! middle of the intersection, and its half-width is the uncertainty. A `Date` header therefore
//! gets below its one-second resolution when requests are timed so that the server's second ticks
//! over while they are in flight ([`next_probe_at`]): each such request halves the interval.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::params::{Coded, ErrorParams};

/// Past this many seconds a code is refused in part of every step.
pub const WARN_SECS: f64 = 15.0;
/// Past this many seconds a code is refused in every step: activation fails.
pub const FAIL_SECS: f64 = 30.0;

/// One timed request (milliseconds since the Unix epoch).
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TimeSample {
    /// The local clock when the request was sent.
    pub sent_ms: f64,
    /// The local clock when the answer arrived.
    pub received_ms: f64,
    /// The server's time in the answer (a `Date` header: the start of its second).
    pub server_ms: f64,
    /// How exact the server's time is: 1 for milliseconds, 1000 for a `Date` header.
    pub resolution_ms: f64,
}

/// How far the local clock is from the server's.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Skew {
    /// Server time − local time: add it to the local clock to get the server's.
    pub offset_ms: f64,
    /// The estimate is within this many milliseconds of the true offset (when the samples agree).
    pub uncertainty_ms: f64,
    /// What the offset means for codes.
    pub verdict: Verdict,
}

/// What a clock offset means for one-time codes with 30-second steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Verdict {
    /// Within 15 s: codes are accepted.
    Fine,
    /// 15–30 s: codes may be rejected near the end of each step.
    Warn,
    /// Over 30 s: codes are refused; activation fails.
    Fails,
}

/// Why samples could not be used.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum SkewError {
    /// No samples at all.
    NoSamples,
    /// A sample whose times cannot be right (not finite, arrival before sending, resolution < 1 ms).
    BadSample {
        /// Its position in the list (from 1).
        index: usize,
        /// What is wrong, in words.
        rule: &'static str,
    },
}

impl Coded for SkewError {
    /// A stable machine-readable code.
    fn code(&self) -> &'static str {
        match self {
            SkewError::NoSamples => "no_time_samples",
            SkewError::BadSample { .. } => "bad_time_sample",
        }
    }

    /// The values the error names, for wording it in another language (see [`crate::params`]).
    fn params(&self) -> ErrorParams {
        match self {
            SkewError::NoSamples => ErrorParams::new(),
            SkewError::BadSample { index, rule } => {
                ErrorParams::new().with("index", index).with("rule", rule)
            }
        }
    }
}

impl fmt::Display for SkewError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkewError::NoSamples => f.write_str("no time samples: the server's time was not read"),
            SkewError::BadSample { index, rule } => write!(f, "time sample {index}: {rule}"),
        }
    }
}

impl std::error::Error for SkewError {}

impl Verdict {
    /// The verdict for an offset.
    pub fn of(offset_ms: f64) -> Verdict {
        let secs = offset_ms.abs() / 1000.0;
        if secs > FAIL_SECS {
            Verdict::Fails
        } else if secs > WARN_SECS {
            Verdict::Warn
        } else {
            Verdict::Fine
        }
    }
}

/// The offset interval one sample allows.
fn interval(s: &TimeSample) -> (f64, f64) {
    (
        s.server_ms - s.received_ms,
        s.server_ms + s.resolution_ms - s.sent_ms,
    )
}

fn check(samples: &[TimeSample]) -> Result<(), SkewError> {
    if samples.is_empty() {
        return Err(SkewError::NoSamples);
    }
    for (i, s) in samples.iter().enumerate() {
        let bad = |rule| SkewError::BadSample { index: i + 1, rule };
        if ![s.sent_ms, s.received_ms, s.server_ms, s.resolution_ms]
            .iter()
            .all(|v| v.is_finite())
        {
            return Err(bad("every time must be a finite number"));
        }
        if s.received_ms < s.sent_ms {
            return Err(bad("the answer cannot arrive before the request was sent"));
        }
        if s.resolution_ms < 1.0 {
            return Err(bad("the resolution must be at least 1 ms"));
        }
    }
    Ok(())
}

/// The offset the samples agree on. If they do not agree (a clock was set while sampling), the
/// median of their midpoints, with the widest half-width as the uncertainty.
pub fn estimate(samples: &[TimeSample]) -> Result<Skew, SkewError> {
    check(samples)?;
    let (lo, hi) = samples
        .iter()
        .map(interval)
        .fold((f64::MIN, f64::MAX), |(lo, hi), (a, b)| {
            (lo.max(a), hi.min(b))
        });
    let (offset_ms, uncertainty_ms) = if lo <= hi {
        ((lo + hi) / 2.0, (hi - lo) / 2.0)
    } else {
        let mut mids: Vec<f64> = samples
            .iter()
            .map(|s| {
                let (a, b) = interval(s);
                (a + b) / 2.0
            })
            .collect();
        mids.sort_by(f64::total_cmp);
        let widest = samples
            .iter()
            .map(|s| {
                let (a, b) = interval(s);
                (b - a) / 2.0
            })
            .fold(0.0, f64::max);
        (mids[mids.len() / 2], widest)
    };
    Ok(Skew {
        offset_ms,
        uncertainty_ms,
        verdict: Verdict::of(offset_ms),
    })
}

/// When (local clock, ms) to send the next request to a server with whole-second times so that, if
/// the offset is the current estimate, the server's second ticks over just as it reads its clock:
/// whichever side of the tick it lands on halves the interval. `now_ms` is the local clock; the
/// answer is at or after it.
pub fn next_probe_at(samples: &[TimeSample], now_ms: f64) -> Result<f64, SkewError> {
    let skew = estimate(samples)?;
    let mut trips: Vec<f64> = samples.iter().map(|s| s.received_ms - s.sent_ms).collect();
    trips.sort_by(f64::total_cmp);
    let half_trip = trips[trips.len() / 2] / 2.0;
    // Server time when a request sent at `t` is read: t + half_trip + offset. Aim it at a tick.
    let lead = half_trip + skew.offset_ms;
    let next_tick = ((now_ms + lead) / 1000.0).ceil() * 1000.0;
    Ok(next_tick - lead)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A server whose clock is `offset` ms ahead, answering after `trip` ms each way, with times in
    /// whole seconds (resolution 1000) or milliseconds.
    fn probe(sent: f64, offset: f64, trip: f64, resolution: f64) -> TimeSample {
        let read = sent + trip + offset;
        TimeSample {
            sent_ms: sent,
            received_ms: sent + 2.0 * trip,
            server_ms: (read / resolution).floor() * resolution,
            resolution_ms: resolution,
        }
    }

    #[test]
    fn millisecond_times_give_the_offset_within_half_a_round_trip() {
        let s = [probe(1_000_000.0, 47_000.0, 5.0, 1.0)];
        let skew = estimate(&s).unwrap();
        assert!((skew.offset_ms - 47_000.0).abs() <= 5.5, "{skew:?}");
        assert_eq!(skew.verdict, Verdict::Fails);
    }

    #[test]
    fn date_headers_timed_around_ticks_get_below_one_second() {
        let offset = -20_437.0;
        let mut now = 1_700_000_000_123.0;
        let mut samples = vec![probe(now, offset, 8.0, 1000.0)];
        let first = estimate(&samples).unwrap();
        assert!(
            first.uncertainty_ms >= 490.0,
            "one Date header: ±0.5 s ({first:?})"
        );
        for _ in 0..7 {
            now = next_probe_at(&samples, now + 20.0).unwrap();
            samples.push(probe(now, offset, 8.0, 1000.0));
        }
        let skew = estimate(&samples).unwrap();
        assert!(
            (skew.offset_ms - offset).abs() <= skew.uncertainty_ms + 0.5,
            "{skew:?}"
        );
        assert!(skew.uncertainty_ms <= 40.0, "{skew:?}");
        assert_eq!(skew.verdict, Verdict::Warn);
    }

    #[test]
    fn a_probe_is_never_scheduled_in_the_past() {
        let samples = [probe(5_000.0, 250.0, 10.0, 1000.0)];
        for now in [5_100.0, 5_500.0, 9_999.0] {
            assert!(next_probe_at(&samples, now).unwrap() >= now);
        }
    }

    #[test]
    fn disagreeing_samples_fall_back_to_the_median() {
        // The local clock was set by 10 s between the second and third sample.
        let s = [
            probe(0.0, 3_000.0, 5.0, 1.0),
            probe(100.0, 3_000.0, 5.0, 1.0),
            probe(200.0, -7_000.0, 5.0, 1.0),
        ];
        let skew = estimate(&s).unwrap();
        assert!((skew.offset_ms - 3_000.0).abs() <= 5.5, "{skew:?}");
    }

    #[test]
    fn verdicts_follow_the_30_second_rule() {
        assert_eq!(Verdict::of(14_999.0), Verdict::Fine);
        assert_eq!(Verdict::of(-15_001.0), Verdict::Warn);
        assert_eq!(Verdict::of(30_000.0), Verdict::Warn);
        assert_eq!(Verdict::of(-30_001.0), Verdict::Fails);
    }

    #[test]
    fn bad_samples_are_refused_by_position_and_rule() {
        assert_eq!(estimate(&[]).unwrap_err(), SkewError::NoSamples);
        let mut s = probe(0.0, 0.0, 5.0, 1.0);
        s.received_ms = -1.0;
        let err = estimate(&[probe(0.0, 0.0, 5.0, 1.0), s]).unwrap_err();
        assert_eq!(err.code(), "bad_time_sample");
        assert_eq!(err.params().get("index"), Some("2"));
        assert!(err.to_string().contains("before the request was sent"));
        s = probe(0.0, 0.0, 5.0, 1.0);
        s.server_ms = f64::NAN;
        assert!(estimate(&[s]).unwrap_err().to_string().contains("finite"));
        s = probe(0.0, 0.0, 5.0, 1.0);
        s.resolution_ms = 0.0;
        assert!(
            estimate(&[s])
                .unwrap_err()
                .to_string()
                .contains("at least 1 ms")
        );
    }
}
