//! The compaction against what the runtime's wasm builder relies on: sign-extension lowered
//! without changing a result, DWARF and (optionally) names dropped, the runtime's own custom
//! sections kept, invalid or out-of-baseline input refused with nothing written.

use std::{borrow::Cow, path::PathBuf};
use wasm_encoder::{
	CodeSection, ConstExpr, CustomSection, DataSection, ElementSection, Elements, EntityType,
	ExportKind, ExportSection, Function, FunctionSection, GlobalSection, GlobalType, ImportSection,
	Instruction, MemorySection, MemoryType, Module, NameMap, NameSection, RefType, Section,
	StartSection, TableSection, TableType, TypeSection, ValType,
};
use wasm_opt::{OptimizationError, OptimizationOptions, Pass};
use wasmparser::{Parser, Payload, Validator, WasmFeatures};

/// The five sign-extension operators, each as an exported one-parameter function.
const SIGNEXT: [(&str, ValType, Instruction<'static>); 5] = [
	("i32_extend8_s", ValType::I32, Instruction::I32Extend8S),
	("i32_extend16_s", ValType::I32, Instruction::I32Extend16S),
	("i64_extend8_s", ValType::I64, Instruction::I64Extend8S),
	("i64_extend16_s", ValType::I64, Instruction::I64Extend16S),
	("i64_extend32_s", ValType::I64, Instruction::I64Extend32S),
];

/// A module with one function per sign-extension operator, the custom sections a runtime
/// carries, a DWARF section and a name section.
fn runtime_like_module() -> Vec<u8> {
	let mut types = TypeSection::new();
	types.ty().function([ValType::I32], [ValType::I32]);
	types.ty().function([ValType::I64], [ValType::I64]);
	let mut functions = FunctionSection::new();
	let mut exports = ExportSection::new();
	let mut code = CodeSection::new();
	let mut names = NameMap::new();
	for (index, (name, ty, op)) in SIGNEXT.iter().enumerate() {
		functions.function(if *ty == ValType::I32 { 0 } else { 1 });
		exports.export(name, ExportKind::Func, index as u32);
		names.append(index as u32, name);
		let mut f = Function::new([]);
		f.instruction(&Instruction::LocalGet(0));
		f.instruction(op);
		f.instruction(&Instruction::End);
		code.function(&f);
	}
	let mut memories = MemorySection::new();
	memories.memory(memory_of_pages(1));
	let mut name_section = NameSection::new();
	name_section.functions(&names);

	let mut module = Module::new();
	module
		.section(&types)
		.section(&functions)
		.section(&memories)
		.section(&exports)
		.section(&code)
		.section(&CustomSection { name: "runtime_version".into(), data: [1u8, 2, 3][..].into() })
		.section(&CustomSection { name: "runtime_apis".into(), data: [4u8; 12][..].into() })
		.section(&CustomSection { name: ".debug_info".into(), data: [0u8; 64][..].into() })
		.section(&CustomSection { name: ".debug_line".into(), data: [0u8; 32][..].into() })
		.section(&name_section);
	module.finish()
}

/// The builder's compaction: `compact_wasm` in substrate-wasm-builder 35.
fn builders_compaction() -> OptimizationOptions {
	let mut options = OptimizationOptions::new_opt_level_0();
	options
		.mvp_features_only()
		.debug_info(true)
		.add_pass(Pass::StripDwarf)
		.add_pass(Pass::SignextLowering);
	options
}

fn custom_sections(wasm: &[u8]) -> Vec<(String, Vec<u8>)> {
	Parser::new(0)
		.parse_all(wasm)
		.filter_map(|payload| match payload.expect("parses") {
			Payload::CustomSection(s) => Some((s.name().to_string(), s.data().to_vec())),
			_ => None,
		})
		.collect()
}

fn function_names(wasm: &[u8]) -> Vec<String> {
	let mut names = Vec::new();
	for payload in Parser::new(0).parse_all(wasm) {
		if let Payload::CustomSection(section) = payload.expect("parses") {
			if let wasmparser::KnownCustom::Name(reader) = section.as_known() {
				for subsection in reader {
					if let wasmparser::Name::Function(map) = subsection.expect("name subsection") {
						for naming in map {
							names.push(naming.expect("naming").name.to_string());
						}
					}
				}
			}
		}
	}
	names
}

/// An empty directory of this test process's own.
fn fresh_dir(name: &str) -> PathBuf {
	let dir = std::env::temp_dir().join(format!("wasm-opt-{name}-{}", std::process::id()));
	let _ = std::fs::remove_dir_all(&dir);
	std::fs::create_dir_all(&dir).expect("temp dir");
	dir
}

/// A memory of `pages` 64 KiB pages, no maximum.
fn memory_of_pages(pages: u64) -> MemoryType {
	MemoryType {
		minimum: pages,
		maximum: None,
		memory64: false,
		shared: false,
		page_size_log2: None,
	}
}

/// `wasm` compiled and instantiated by wasmtime (no imports).
fn instantiate(wasm: &[u8]) -> (wasmtime::Store<()>, wasmtime::Instance) {
	let engine = wasmtime::Engine::default();
	let module = wasmtime::Module::new(&engine, wasm).expect("wasmtime compiles it");
	let mut store = wasmtime::Store::new(&engine, ());
	let instance = wasmtime::Instance::new(&mut store, &module, &[]).expect("instantiates");
	(store, instance)
}

fn call_all(wasm: &[u8], inputs: &[i64]) -> Vec<i64> {
	let (mut store, instance) = instantiate(wasm);
	let mut results = Vec::new();
	for (name, ty, _) in SIGNEXT {
		for &x in inputs {
			results.push(if ty == ValType::I32 {
				let f = instance.get_typed_func::<i32, i32>(&mut store, name).expect("export");
				f.call(&mut store, x as i32).expect("runs") as i64
			} else {
				let f = instance.get_typed_func::<i64, i64>(&mut store, name).expect("export");
				f.call(&mut store, x).expect("runs")
			});
		}
	}
	results
}

#[test]
fn sign_extension_is_lowered_to_webassembly_1_with_the_same_results() {
	let input = runtime_like_module();
	assert!(
		Validator::new_with_features(WasmFeatures::WASM1).validate_all(&input).is_err(),
		"the input uses sign-extension, outside WebAssembly 1.0"
	);
	let output = builders_compaction().run_on_bytes(&input).expect("compacts");
	Validator::new_with_features(WasmFeatures::WASM1)
		.validate_all(&output)
		.expect("the output is WebAssembly 1.0");

	let inputs = [
		0,
		1,
		0x7f,
		0x80,
		0xff,
		0x7fff,
		0x8000,
		0xffff,
		0x1234_5678,
		0x8765_4321,
		-1,
		i64::from(i32::MIN),
		0x0123_4567_89ab_cdef,
		0x7fff_ffff,
		0x8000_0000,
		0xffff_ffff,
		i64::MIN,
		i64::MAX,
	];
	let expected = call_all(&input, &inputs);
	assert_eq!(call_all(&output, &inputs), expected);
	// The reference results are sign extensions (not, say, both sides returning the input).
	assert_eq!(expected[3], -128, "i32.extend8_s(0x80)");
	assert_eq!(expected[inputs.len() * 4 + 14], 0x8000_0000u32 as i32 as i64, "i64.extend32_s");
}

#[test]
fn dwarf_is_stripped_and_the_runtimes_sections_and_names_kept() {
	let output = builders_compaction().run_on_bytes(&runtime_like_module()).expect("compacts");
	let sections = custom_sections(&output);
	let names: Vec<&str> = sections.iter().map(|(n, _)| n.as_str()).collect();
	assert_eq!(names, ["runtime_version", "runtime_apis", "name"]);
	assert_eq!(sections[0].1, [1, 2, 3], "runtime_version byte for byte");
	assert_eq!(sections[1].1, [4; 12], "runtime_apis byte for byte");
	assert_eq!(function_names(&output), SIGNEXT.map(|(name, _, _)| name.to_string()));

	let mut without_debug_info = OptimizationOptions::new_opt_level_0();
	without_debug_info.add_pass(Pass::SignextLowering).add_pass(Pass::StripDwarf);
	let output = without_debug_info.run_on_bytes(&runtime_like_module()).expect("compacts");
	let names: Vec<String> = custom_sections(&output).into_iter().map(|(n, _)| n).collect();
	assert_eq!(names, ["runtime_version", "runtime_apis"], "no names without debug_info");
}

#[test]
fn without_strip_dwarf_the_debug_sections_stay() {
	let mut options = OptimizationOptions::new_opt_level_0();
	options.debug_info(true).add_pass(Pass::SignextLowering);
	let output = options.run_on_bytes(&runtime_like_module()).expect("compacts");
	let names: Vec<String> = custom_sections(&output).into_iter().map(|(n, _)| n).collect();
	assert_eq!(names, ["runtime_version", "runtime_apis", ".debug_info", ".debug_line", "name"]);
}

#[test]
fn padded_integers_are_re_encoded_minimally() {
	let input = padded_one(false);
	let output = builders_compaction().run_on_bytes(&input).expect("compacts");
	assert_eq!(input.len() - output.len(), 4, "four padding bytes gone");

	let (mut store, instance) = instantiate(&output);
	let one = instance.get_typed_func::<(), i32>(&mut store, "one").expect("export");
	assert_eq!(one.call(&mut store, ()).expect("runs"), 1);
}

#[test]
fn sign_extension_without_its_lowering_is_refused_under_webassembly_1() {
	let mut options = OptimizationOptions::new_opt_level_0();
	options.mvp_features_only().add_pass(Pass::StripDwarf);
	let refused = options.run_on_bytes(&runtime_like_module());
	assert!(matches!(refused, Err(OptimizationError::InvalidInput(_))), "{refused:?}");
}

#[test]
fn a_feature_past_webassembly_1_is_refused_and_nothing_is_written() {
	// `memory.fill` (bulk memory) in an otherwise valid module.
	let mut types = TypeSection::new();
	types.ty().function([], []);
	let mut functions = FunctionSection::new();
	functions.function(0);
	let mut memories = MemorySection::new();
	memories.memory(memory_of_pages(1));
	let mut f = Function::new([]);
	for i in [Instruction::I32Const(0), Instruction::I32Const(0), Instruction::I32Const(1)] {
		f.instruction(&i);
	}
	f.instruction(&Instruction::MemoryFill(0)).instruction(&Instruction::End);
	let mut code = CodeSection::new();
	code.function(&f);
	let mut module = Module::new();
	module.section(&types).section(&functions).section(&memories).section(&code);
	let input = module.finish();

	let dir = fresh_dir("refused");
	let (infile, outfile) = (dir.join("bulk.wasm"), dir.join("bulk.compact.wasm"));
	std::fs::write(&infile, &input).expect("writes");
	let refused = builders_compaction().run(&infile, &outfile);
	assert!(matches!(refused, Err(OptimizationError::InvalidInput(_))), "{refused:?}");
	assert!(!outfile.exists(), "nothing written");

	// Garbage is refused the same way, and a missing file is an I/O error.
	std::fs::write(&infile, b"\0asm\x01\0\0\0\x99").expect("writes");
	assert!(matches!(
		builders_compaction().run(&infile, &outfile),
		Err(OptimizationError::InvalidInput(_))
	));
	assert!(matches!(
		builders_compaction().run(dir.join("missing.wasm"), &outfile),
		Err(OptimizationError::Io(_))
	));
	assert!(!outfile.exists());
	std::fs::remove_dir_all(&dir).expect("cleans up");
}

#[test]
fn a_module_is_compacted_in_place() {
	// The builder's non-compact path lowers sign-extension in place (input path = output path).
	let dir = fresh_dir("in-place");
	let path = dir.join("runtime.wasm");
	std::fs::write(&path, runtime_like_module()).expect("writes");
	let mut options = OptimizationOptions::new_opt_level_0();
	options.add_pass(Pass::SignextLowering).debug_info(true);
	options.run(&path, &path).expect("compacts in place");
	let output = std::fs::read(&path).expect("reads");
	let mut no_signext = WasmFeatures::default();
	no_signext.remove(WasmFeatures::SIGN_EXTENSION);
	Validator::new_with_features(no_signext).validate_all(&output).expect("lowered in place");
	std::fs::remove_dir_all(&dir).expect("cleans up");
}

/// A module shaped like a linked runtime, minimally encoded and without sign-extension:
/// imported memory and host function, a table with an element segment, a mutable stack
/// pointer, an exported global, data segments, a start function and custom sections before,
/// between and after the known sections.
fn linked_runtime_shape() -> Vec<u8> {
	let mut types = TypeSection::new();
	types.ty().function([ValType::I32], []);
	types.ty().function([], []);
	types.ty().function([ValType::I32, ValType::I32], [ValType::I32]);
	let mut imports = ImportSection::new();
	imports.import("env", "memory", memory_of_pages(2));
	imports.import("env", "ext_logging_log_version_1", EntityType::Function(0));
	let mut functions = FunctionSection::new();
	functions.function(1).function(2);
	let mut tables = TableSection::new();
	tables.table(TableType {
		element_type: RefType::FUNCREF,
		table64: false,
		minimum: 2,
		maximum: Some(2),
		shared: false,
	});
	let mut globals = GlobalSection::new();
	let i32_global = |mutable| GlobalType { val_type: ValType::I32, mutable, shared: false };
	globals.global(i32_global(true), &ConstExpr::i32_const(65_536));
	globals.global(i32_global(false), &ConstExpr::i32_const(70_000));
	let mut exports = ExportSection::new();
	exports.export("add", ExportKind::Func, 2).export("__heap_base", ExportKind::Global, 1);
	let mut elements = ElementSection::new();
	elements.active(None, &ConstExpr::i32_const(0), Elements::Functions(Cow::Borrowed(&[1, 2])));
	let mut code = CodeSection::new();
	let mut start = Function::new([]);
	start.instruction(&Instruction::I32Const(7)).instruction(&Instruction::Call(0));
	start.instruction(&Instruction::End);
	code.function(&start);
	let mut add = Function::new([(1, ValType::I64)]);
	for i in [Instruction::LocalGet(0), Instruction::LocalGet(1), Instruction::I32Add] {
		add.instruction(&i);
	}
	add.instruction(&Instruction::End);
	code.function(&add);
	let mut data = DataSection::new();
	data.active(0, &ConstExpr::i32_const(1_024), b"runtime".iter().copied());
	data.active(0, &ConstExpr::i32_const(2_048), [0xffu8; 9]);
	let mut names = NameMap::new();
	names.append(1, "start");
	names.append(2, "add");
	let mut name_section = NameSection::new();
	name_section.functions(&names);

	let mut module = Module::new();
	module
		.section(&CustomSection { name: "producers".into(), data: [0u8][..].into() })
		.section(&types)
		.section(&imports)
		.section(&functions)
		.section(&tables)
		.section(&globals)
		.section(&exports)
		.section(&StartSection { function_index: 1 })
		.section(&elements)
		.section(&CustomSection { name: "runtime_apis".into(), data: [9u8; 12][..].into() })
		.section(&code)
		.section(&data)
		.section(&CustomSection { name: "runtime_version".into(), data: [1u8, 2][..].into() })
		.section(&name_section);
	module.finish()
}

#[test]
fn a_minimal_module_without_sign_extension_comes_out_byte_for_byte() {
	let input = linked_runtime_shape();
	assert_eq!(builders_compaction().run_on_bytes(&input).expect("compacts"), input);
}

#[test]
fn compaction_is_idempotent() {
	let once = builders_compaction().run_on_bytes(&runtime_like_module()).expect("compacts");
	assert_eq!(builders_compaction().run_on_bytes(&once).expect("compacts"), once);
}

#[test]
fn sign_extension_is_lowered_with_other_values_on_the_stack() {
	// a + extend8_s(b): the lowering must only touch the top of the stack.
	let mut types = TypeSection::new();
	types.ty().function([ValType::I32, ValType::I32], [ValType::I32]);
	let mut functions = FunctionSection::new();
	functions.function(0);
	let mut exports = ExportSection::new();
	exports.export("f", ExportKind::Func, 0);
	let mut f = Function::new([]);
	for i in [
		Instruction::LocalGet(0),
		Instruction::LocalGet(1),
		Instruction::I32Extend8S,
		Instruction::I32Add,
		Instruction::End,
	] {
		f.instruction(&i);
	}
	let mut code = CodeSection::new();
	code.function(&f);
	let mut module = Module::new();
	module.section(&types).section(&functions).section(&exports).section(&code);
	let output = builders_compaction().run_on_bytes(&module.finish()).expect("compacts");

	let (mut store, instance) = instantiate(&output);
	let f = instance.get_typed_func::<(i32, i32), i32>(&mut store, "f").expect("export");
	assert_eq!(f.call(&mut store, (1_000, 0x80)).expect("runs"), 1_000 - 128);
	assert_eq!(f.call(&mut store, (1_000, 0x17f)).expect("runs"), 1_000 + 127);
}

#[test]
fn the_in_place_run_leaves_a_module_without_sign_extension_untouched() {
	// The builder's non-compact path keeps DWARF: re-encoding would shift the code it points at.
	let input = padded_one(true);
	let mut options = OptimizationOptions::new_opt_level_0();
	options.add_pass(Pass::SignextLowering).debug_info(true);
	assert_eq!(options.run_on_bytes(&input).expect("runs"), input, "byte for byte, padding kept");
}

/// A module exporting `one`, `i32.const 1` with its immediate padded to five bytes as a linker
/// leaves relocations (re-encoding shortens it), and a DWARF section if `dwarf`.
fn padded_one(dwarf: bool) -> Vec<u8> {
	let mut types = TypeSection::new();
	types.ty().function([], [ValType::I32]);
	let mut functions = FunctionSection::new();
	functions.function(0);
	let mut exports = ExportSection::new();
	exports.export("one", ExportKind::Func, 0);
	let mut code = CodeSection::new();
	code.raw(&[0x00, 0x41, 0x81, 0x80, 0x80, 0x80, 0x00, 0x0b]);
	let mut module = Module::new();
	module.section(&types).section(&functions).section(&exports).section(&code);
	if dwarf {
		module.section(&CustomSection { name: ".debug_line".into(), data: [3u8; 8][..].into() });
	}
	module.finish()
}

#[test]
fn target_features_loses_sign_ext_once_lowered() {
	// `target_features`: a vector of (prefix, name); `+` = used.
	let mut data = vec![2u8];
	for name in ["sign-ext", "mutable-globals"] {
		data.push(b'+');
		data.push(name.len() as u8);
		data.extend_from_slice(name.as_bytes());
	}
	let mut module = runtime_like_module();
	CustomSection { name: "target_features".into(), data: Cow::Borrowed(&data) }
		.append_to(&mut module);
	let output = builders_compaction().run_on_bytes(&module).expect("compacts");
	let features = custom_sections(&output)
		.into_iter()
		.find(|(name, _)| name == "target_features")
		.expect("kept")
		.1;
	assert_eq!(features, [&[1u8, b'+', 15][..], b"mutable-globals"].concat());
}
