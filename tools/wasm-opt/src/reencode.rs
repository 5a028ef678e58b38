//! The re-encoding itself: wasm-encoder's [`Reencode`] with the two passes.

use wasm_encoder::{
	reencode::{self, Reencode},
	CodeSection, CustomSection, Encode, Instruction, Module,
};
use wasmparser::{
	BinaryReader, BinaryReaderError, FunctionBody, KnownCustom, Operator, Parser, Payload,
};

/// One run's choices.
pub(crate) struct Compactor {
	/// Drop the `.debug_*` custom sections.
	pub strip_dwarf: bool,
	/// Rewrite sign-extension operators as shift pairs.
	pub lower_signext: bool,
	/// Keep the `name` section.
	pub keep_names: bool,
}

type Error = reencode::Error<std::convert::Infallible>;

/// The feature name `target_features` uses for sign-extension (LLVM's).
const SIGNEXT_FEATURE: &str = "sign-ext";

impl Compactor {
	/// Re-encode `input` with the passes applied.
	pub fn compact(mut self, input: &[u8]) -> Result<Vec<u8>, Error> {
		let mut module = Module::new();
		self.parse_core_module(&mut module, Parser::new(0), input)?;
		Ok(module.finish())
	}
}

/// `x.extendN_s` as `(x << (width - N)) >> (width - N)`, arithmetic: the lowering binaryen's
/// `--signext-lowering` emits. `None` for every other operator.
fn lowered_signext(op: &Operator<'_>) -> Option<[Instruction<'static>; 4]> {
	use Instruction::*;
	let i32_shifts = |n: i32| [I32Const(n), I32Shl, I32Const(n), I32ShrS];
	let i64_shifts = |n: i64| [I64Const(n), I64Shl, I64Const(n), I64ShrS];
	Some(match op {
		Operator::I32Extend8S => i32_shifts(24),
		Operator::I32Extend16S => i32_shifts(16),
		Operator::I64Extend8S => i64_shifts(56),
		Operator::I64Extend16S => i64_shifts(48),
		Operator::I64Extend32S => i64_shifts(32),
		_ => return None,
	})
}

/// Whether any function of the module uses a sign-extension operator.
pub(crate) fn uses_signext(wasm: &[u8]) -> Result<bool, BinaryReaderError> {
	for payload in Parser::new(0).parse_all(wasm) {
		if let Payload::CodeSectionEntry(body) = payload? {
			let mut reader = body.get_operators_reader()?;
			while !reader.eof() {
				if lowered_signext(&reader.read()?).is_some() {
					return Ok(true);
				}
			}
		}
	}
	Ok(false)
}

/// The `target_features` section without its sign-extension entry: once lowered, the module no
/// longer uses the feature (binaryen writes the section from the features left enabled).
fn without_signext_feature(data: &[u8], offset: usize) -> Result<Vec<u8>, BinaryReaderError> {
	let mut reader = BinaryReader::new(data, offset);
	let mut kept = Vec::new();
	for _ in 0..reader.read_var_u32()? {
		let prefix = reader.read_u8()?;
		let name = reader.read_string()?;
		if name != SIGNEXT_FEATURE {
			kept.push((prefix, name));
		}
	}
	let mut out = Vec::new();
	(kept.len() as u32).encode(&mut out);
	for (prefix, name) in kept {
		out.push(prefix);
		name.encode(&mut out);
	}
	Ok(out)
}

impl Reencode for Compactor {
	type Error = std::convert::Infallible;

	fn parse_custom_section(
		&mut self,
		module: &mut Module,
		section: wasmparser::CustomSectionReader<'_>,
	) -> Result<(), Error> {
		let is_dwarf = section.name().starts_with(".debug_");
		let is_names = matches!(section.as_known(), KnownCustom::Name(_));
		if (self.strip_dwarf && is_dwarf) || (!self.keep_names && is_names) {
			return Ok(());
		}
		if self.lower_signext && section.name() == "target_features" {
			let data = without_signext_feature(section.data(), section.data_offset())?;
			module.section(&CustomSection { name: "target_features".into(), data: data.into() });
			return Ok(());
		}
		reencode::utils::parse_custom_section(self, module, section)
	}

	fn parse_function_body(
		&mut self,
		code: &mut CodeSection,
		func: FunctionBody<'_>,
	) -> Result<(), Error> {
		let mut function = self.new_function_with_parsed_locals(&func)?;
		let mut reader = func.get_operators_reader()?;
		while !reader.eof() {
			let op = reader.read()?;
			match lowered_signext(&op).filter(|_| self.lower_signext) {
				Some(shifts) => shifts.iter().for_each(|i| {
					function.instruction(i);
				}),
				None => {
					function.instruction(&self.instruction(op)?);
				},
			}
		}
		code.function(&function);
		Ok(())
	}
}
