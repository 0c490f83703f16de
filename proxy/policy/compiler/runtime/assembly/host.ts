// The functions the host (the OPA Wasm SDK) supplies in module `env`. Every compiled policy imports all of
// them, always: the SDK supplies them all, and a fixed import list keeps function indices stable for the linker.

/** opa_abort ends evaluation: the SDK throws the NUL-terminated string at `addr`. */
@external("env", "opa_abort")
export declare function opa_abort(addr: usize): void;

/** opa_println prints the NUL-terminated string at `addr` (debugging only). */
@external("env", "opa_println")
export declare function opa_println(addr: usize): void;

/** opa_builtin0 .. opa_builtin4 call host built-in `id`; each returns a value address, 0 for undefined. */
@external("env", "opa_builtin0")
export declare function opa_builtin0(id: i32, ctx: i32): usize;

@external("env", "opa_builtin1")
export declare function opa_builtin1(id: i32, ctx: i32, a: usize): usize;

@external("env", "opa_builtin2")
export declare function opa_builtin2(id: i32, ctx: i32, a: usize, b: usize): usize;

@external("env", "opa_builtin3")
export declare function opa_builtin3(id: i32, ctx: i32, a: usize, b: usize, c: usize): usize;

@external("env", "opa_builtin4")
export declare function opa_builtin4(id: i32, ctx: i32, a: usize, b: usize, c: usize, d: usize): usize;
