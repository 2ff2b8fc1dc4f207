//! The native side of `make bench` (issue 6): the ID-JAG pipeline (`Verifier::verify`,
//! replay 'reusable' as in the wasm run) over the tokens the JS harness minted.
//!
//!   cargo bench --bench verify -- <input.json> [--runs N] [--batch-ms MS]
//!
//! input.json (written by bench/verify.mjs): `{ "options": VerifierOptions, "ctx": { "clientId",
//! "now", "scope", "resource" }, "tokens": { "<alg>": ["<jws>", ...] } }`.
//! Prints one JSON object on stdout: `{ "<alg>": { "usPerVerify": median, "runs", "batch",
//! "min", "max" } }`. Timing only (std::time::Instant), no assertion: benchmarks are not tests.

use idjag::{Verifier, VerifierOptions, VerifyContext};
use serde_json::{Map, Value, json};
use std::error::Error;
use std::hint::black_box;
use std::time::{Duration, Instant};

type Res<T> = Result<T, Box<dyn Error>>;

struct Args {
    input: String,
    runs: usize,
    batch_ms: u64,
}

fn parse_args() -> Res<Args> {
    let mut input = None;
    let mut runs = 31;
    let mut batch_ms = 25;
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            // cargo bench passes --bench to harness = false binaries
            "--bench" => {}
            "--runs" => runs = it.next().ok_or("--runs needs a value")?.parse()?,
            "--batch-ms" => batch_ms = it.next().ok_or("--batch-ms needs a value")?.parse()?,
            _ if a.starts_with("--") => return Err(format!("unknown flag {a}").into()),
            _ => input = Some(a),
        }
    }
    let input = input.ok_or("usage: verify <input.json> [--runs N] [--batch-ms MS]")?;
    Ok(Args {
        input,
        runs: runs.max(1),
        batch_ms,
    })
}

fn str_field<'a>(v: &'a Value, name: &str) -> Res<&'a str> {
    v.get(name)
        .and_then(Value::as_str)
        .ok_or_else(|| format!("ctx.{name} must be a string").into())
}

/// Verifies `n` tokens (cycling through `tokens`); every verification must succeed.
fn batch(v: &Verifier, tokens: &[String], ctx: &VerifyContext, n: usize) -> Res<Duration> {
    let start = Instant::now();
    for t in tokens.iter().cycle().take(n) {
        let grant = v.verify(black_box(t), ctx)?;
        black_box(grant);
    }
    Ok(start.elapsed())
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    match (xs.get(n / 2), xs.get(n.saturating_sub(1) / 2)) {
        (Some(a), Some(b)) => (a + b) / 2.0,
        _ => f64::NAN,
    }
}

fn main() -> Res<()> {
    let args = parse_args()?;
    let input: Value = serde_json::from_str(&std::fs::read_to_string(&args.input)?)?;
    let options = input
        .get("options")
        .cloned()
        .ok_or("input.options missing")?;
    let verifier = Verifier::new(VerifierOptions::from_value(options)?)?;
    let c = input.get("ctx").ok_or("input.ctx missing")?;
    let ctx = VerifyContext {
        client_id: str_field(c, "clientId")?,
        now: c
            .get("now")
            .and_then(Value::as_f64)
            .ok_or("ctx.now must be a number")?,
        scope: Some(str_field(c, "scope")?),
        resource: Some(str_field(c, "resource")?),
        keys_now: None,
    };
    let all = input
        .get("tokens")
        .and_then(Value::as_object)
        .ok_or("input.tokens missing")?;
    let mut algs: Vec<(String, Vec<String>, usize)> = Vec::new();
    for (alg, list) in all {
        let tokens: Vec<String> = list
            .as_array()
            .ok_or("tokens.<alg> must be an array")?
            .iter()
            .filter_map(|t| t.as_str().map(str::to_owned))
            .collect();
        if tokens.is_empty() {
            return Err(format!("no tokens for {alg}").into());
        }
        // Calibrate: the batch size that takes about batch_ms (after a short warm-up).
        batch(&verifier, &tokens, &ctx, 20)?;
        let probe = batch(&verifier, &tokens, &ctx, 50)?.as_secs_f64() / 50.0;
        let n = ((args.batch_ms as f64 / 1000.0) / probe.max(1e-9)).round() as usize;
        algs.push((alg.clone(), tokens, n.max(10)));
    }
    // Round-robin over the algorithms so a change in machine load hits them all alike.
    let mut samples: Vec<Vec<f64>> = vec![Vec::with_capacity(args.runs); algs.len()];
    for _ in 0..args.runs {
        for ((_, tokens, n), out) in algs.iter().zip(samples.iter_mut()) {
            let d = batch(&verifier, tokens, &ctx, *n)?;
            out.push(d.as_secs_f64() * 1e6 / *n as f64);
        }
    }
    let mut result = Map::new();
    for ((alg, _, n), xs) in algs.iter().zip(samples) {
        let min = xs.iter().copied().fold(f64::INFINITY, f64::min);
        let max = xs.iter().copied().fold(0.0, f64::max);
        result.insert(
            alg.clone(),
            json!({ "usPerVerify": median(xs), "runs": args.runs, "batch": n, "min": min, "max": max }),
        );
    }
    println!("{}", Value::Object(result));
    Ok(())
}
