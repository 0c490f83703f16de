// Native built-ins. Each is exported as `builtin_<OPA name with . replaced by _>`, takes and returns value
// addresses (0: undefined); the linker treats every such export as the native implementation of that built-in.

export { airlock_strict_builtin_errors } from './errors';
export {
  builtin_plus,
  builtin_minus,
  builtin_mul,
  builtin_div,
  builtin_rem,
  builtin_abs,
  builtin_round,
  builtin_ceil,
  builtin_floor,
  builtin_and,
  builtin_or,
} from './arithmetic';
export { builtin_equal, builtin_neq, builtin_lt, builtin_lte, builtin_gt, builtin_gte } from './comparison';
export {
  builtin_count,
  builtin_sum,
  builtin_product,
  builtin_max,
  builtin_min,
  builtin_sort,
  builtin_all,
  builtin_any,
} from './aggregates';
export {
  builtin_concat,
  builtin_contains,
  builtin_startswith,
  builtin_endswith,
  builtin_indexof,
  builtin_indexof_n,
  builtin_strings_count,
  builtin_lower,
  builtin_upper,
  builtin_split,
  builtin_replace,
  builtin_strings_replace_n,
  builtin_trim,
  builtin_trim_left,
  builtin_trim_right,
  builtin_trim_prefix,
  builtin_trim_suffix,
  builtin_trim_space,
  builtin_substring,
  builtin_strings_reverse,
  builtin_strings_any_prefix_match,
  builtin_strings_any_suffix_match,
} from './strings';
export { builtin_format_int, builtin_to_number, builtin_numbers_range, builtin_numbers_range_step } from './numbers';
export {
  builtin_is_array,
  builtin_is_boolean,
  builtin_is_null,
  builtin_is_number,
  builtin_is_object,
  builtin_is_set,
  builtin_is_string,
  builtin_type_name,
} from './types';
export {
  builtin_object_get,
  builtin_object_keys,
  builtin_object_remove,
  builtin_object_filter,
  builtin_object_union,
  builtin_object_union_n,
} from './objects';
export { builtin_array_concat, builtin_array_slice, builtin_array_reverse } from './arrays';
export { builtin_walk } from './walk';
export { builtin_union, builtin_intersection, builtin_internal_member_2, builtin_internal_member_3 } from './sets';
export {
  builtin_base64_encode,
  builtin_base64_decode,
  builtin_base64_is_valid,
  builtin_base64url_encode,
  builtin_base64url_encode_no_pad,
  builtin_base64url_decode,
  builtin_json_marshal,
  builtin_json_unmarshal,
  builtin_json_is_valid,
} from './encoding';
export {
  builtin_bits_and,
  builtin_bits_or,
  builtin_bits_xor,
  builtin_bits_negate,
  builtin_bits_lsh,
  builtin_bits_rsh,
} from './bits';

// Fast paths of host built-ins (fast-path.ts): `airlock_fast_<name>`, tried before the host is called.
export { airlock_fast_sprintf } from './sprintf';
