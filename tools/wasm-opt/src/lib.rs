//! The runtime's wasm compaction, in Rust.
//!
//! `substrate-wasm-builder` compacts the runtime's wasm through the `wasm-opt` crate, which
//! compiles binaryen (about 180 C++ files) from source in every cold build. That compile was the
//! longest single step of the validator's cold build and its critical path (README, "Build
//! times"). The builder asks binaryen for very little: read the module at optimisation level 0,
//! run two passes, write it back. This crate does exactly that with wasmparser and
//! wasm-encoder (which wasmtime already brings into the build), behind the same API, and the
//! workspace patches it in for binaryen's crate (`[patch.crates-io]` in the root `Cargo.toml`).
//!
//! What [`OptimizationOptions::run`] does:
//! 1. validates the input against the feature baseline ([`OptimizationOptions::mvp_features_only`]:
//!    WebAssembly 1.0; otherwise every feature wasmparser enables by default), plus the
//!    sign-extension operators when [`Pass::SignextLowering`] is asked for. This is stricter than
//!    binaryen, which adds whatever the module's `target_features` section lists to the baseline:
//!    a runtime using a later feature fails the build here instead of reaching an executor that
//!    may refuse it;
//! 2. re-encodes every section (so LEB128 integers padded by the linker become minimal, which is
//!    the compaction binaryen's level 0 gives), applying the passes:
//!    - [`Pass::StripDwarf`] drops the `.debug_*` custom sections;
//!    - [`Pass::SignextLowering`] rewrites each sign-extension operator as the shift pair binaryen
//!      emits (`x << n >> n`, arithmetic), so a runtime built for a target with sign-extension
//!      still runs on an executor that allows WebAssembly 1.0 only;
//!    - without [`OptimizationOptions::debug_info`] the `name` section is dropped too;
//!    - `target_features` loses its `sign-ext` entry once sign-extension is lowered;
//!    - every other custom section (`runtime_version`, `runtime_apis`, …) is kept byte for byte;
//!    - with nothing to strip, lower or drop, the input is returned unchanged (so DWARF kept by
//!      the builder's in-place run stays valid; where a function is lowered, the DWARF of the
//!      code after it is stale, where binaryen would rewrite it);
//! 3. validates the output against the baseline (without sign-extension once lowered) and writes
//!    it only then: a module this crate cannot make valid is an error, never a broken runtime.
//!
//! No other binaryen pass exists here: [`Pass`] names only the two the builder uses, so a caller
//! asking for another fails to compile instead of getting an unoptimised module silently.

#![forbid(unsafe_code)]

mod reencode;

use std::{fmt, path::Path};
use wasmparser::{Validator, WasmFeatures};

/// The binaryen passes this crate implements (the ones `substrate-wasm-builder` runs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pass {
	/// Remove the DWARF debug information (`.debug_*` custom sections).
	StripDwarf,
	/// Lower the sign-extension operators (`i32.extend8_s` …) to WebAssembly 1.0 shifts.
	SignextLowering,
}

/// Options for one run, built like binaryen's `OptimizationOptions`.
#[derive(Clone, Debug, Default)]
pub struct OptimizationOptions {
	passes: Vec<Pass>,
	debug_info: bool,
	mvp_features_only: bool,
}

/// Why a run produced no output file.
#[derive(Debug)]
pub enum OptimizationError {
	/// The input could not be read or the output not written.
	Io(std::io::Error),
	/// The input is not a valid module for the feature baseline (plus sign-extension when it is to
	/// be lowered).
	InvalidInput(wasmparser::BinaryReaderError),
	/// The input could not be re-encoded.
	Reencode(String),
	/// The re-encoded module does not validate against the baseline: a defect of this crate, so
	/// nothing was written.
	InvalidOutput(wasmparser::BinaryReaderError),
}

impl fmt::Display for OptimizationError {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			Self::Io(e) => write!(f, "wasm-opt: I/O error: {e}"),
			Self::InvalidInput(e) => write!(f, "wasm-opt: invalid input module: {e}"),
			Self::Reencode(e) => write!(f, "wasm-opt: cannot re-encode the module: {e}"),
			Self::InvalidOutput(e) => write!(f, "wasm-opt: the re-encoded module is invalid: {e}"),
		}
	}
}

impl std::error::Error for OptimizationError {}

impl OptimizationOptions {
	/// Binaryen's `-O0`: no optimisation passes of its own, only those added.
	pub fn new_opt_level_0() -> Self {
		Self::default()
	}

	/// Keep the `name` section (function names for backtraces). Off by default, as in binaryen.
	pub fn debug_info(&mut self, value: bool) -> &mut Self {
		self.debug_info = value;
		self
	}

	/// Run `pass` (after the ones added before it).
	pub fn add_pass(&mut self, pass: Pass) -> &mut Self {
		self.passes.push(pass);
		self
	}

	/// Accept and emit WebAssembly 1.0 only (MVP with mutable-global imports and exports).
	pub fn mvp_features_only(&mut self) -> &mut Self {
		self.mvp_features_only = true;
		self
	}

	/// The features the output must stay within.
	fn baseline(&self) -> WasmFeatures {
		if self.mvp_features_only {
			WasmFeatures::WASM1
		} else {
			WasmFeatures::default()
		}
	}

	fn has(&self, pass: Pass) -> bool {
		self.passes.contains(&pass)
	}

	/// Compact the module in `infile` into `outfile` (which may be the same path).
	pub fn run(
		&self,
		infile: impl AsRef<Path>,
		outfile: impl AsRef<Path>,
	) -> Result<(), OptimizationError> {
		let input = std::fs::read(infile).map_err(OptimizationError::Io)?;
		let output = self.run_on_bytes(&input)?;
		std::fs::write(outfile, output).map_err(OptimizationError::Io)
	}

	/// Compact `input` in memory; what [`Self::run`] writes.
	pub fn run_on_bytes(&self, input: &[u8]) -> Result<Vec<u8>, OptimizationError> {
		let lower_signext = self.has(Pass::SignextLowering);
		let mut input_features = self.baseline();
		if lower_signext {
			input_features |= WasmFeatures::SIGN_EXTENSION;
		}
		Validator::new_with_features(input_features)
			.validate_all(input)
			.map_err(OptimizationError::InvalidInput)?;

		let mut output_features = self.baseline();
		if lower_signext {
			output_features.remove(WasmFeatures::SIGN_EXTENSION);
		}
		// Nothing to strip, lower or drop (the builder's in-place run on a module without
		// sign-extension): the input as it is. Re-encoding would shorten the code and leave any
		// DWARF's code offsets stale, where binaryen rewrites the DWARF.
		// The scan for sign-extension runs only on that path: the compaction re-encodes anyway.
		if !self.has(Pass::StripDwarf)
			&& self.debug_info
			&& !(lower_signext
				&& reencode::uses_signext(input).map_err(OptimizationError::InvalidInput)?)
		{
			return Ok(input.to_vec());
		}
		let output = reencode::Compactor {
			strip_dwarf: self.has(Pass::StripDwarf),
			lower_signext,
			keep_names: self.debug_info,
		}
		.compact(input)
		.map_err(|e| OptimizationError::Reencode(e.to_string()))?;
		Validator::new_with_features(output_features)
			.validate_all(&output)
			.map_err(OptimizationError::InvalidOutput)?;
		Ok(output)
	}
}
