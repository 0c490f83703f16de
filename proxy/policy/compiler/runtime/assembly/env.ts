// The functions the host (the OPA Wasm SDK) supplies in module `env`. AssemblyScript imports a declared function
// from the module named after its file, so this file is `env.ts`. Every compiled policy imports all of them,
// always: the SDK supplies them all, and a fixed import list keeps function indices stable for the linker.

/** opa_abort ends evaluation: the SDK throws the NUL-terminated string at `addr`. */
export declare function opa_abort(addr: usize): void;

/** opa_println prints the NUL-terminated string at `addr` (debugging only). */
export declare function opa_println(addr: usize): void;

/** opa_builtin0 .. opa_builtin4 call host built-in `id`; each returns a value address, 0 for undefined. */
export declare function opa_builtin0(id: i32, ctx: i32): usize;

export declare function opa_builtin1(id: i32, ctx: i32, a: usize): usize;

export declare function opa_builtin2(id: i32, ctx: i32, a: usize, b: usize): usize;

export declare function opa_builtin3(id: i32, ctx: i32, a: usize, b: usize, c: usize): usize;

export declare function opa_builtin4(id: i32, ctx: i32, a: usize, b: usize, c: usize, d: usize): usize;
