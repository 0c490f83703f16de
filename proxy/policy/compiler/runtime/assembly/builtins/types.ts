// Type tests (OPA's types.go): is_* answer true or false for any value; type_name names the type.

import {
  TYPE_ARRAY,
  TYPE_BOOLEAN,
  TYPE_NULL,
  TYPE_NUMBER,
  TYPE_OBJECT,
  TYPE_SET,
  TYPE_STRING,
  makeBoolean,
  makeString,
  typeOf,
} from '../values';

export function builtin_is_array(v: usize): usize {
  return makeBoolean(typeOf(v) == TYPE_ARRAY);
}

export function builtin_is_boolean(v: usize): usize {
  return makeBoolean(typeOf(v) == TYPE_BOOLEAN);
}

export function builtin_is_null(v: usize): usize {
  return makeBoolean(typeOf(v) == TYPE_NULL);
}

export function builtin_is_number(v: usize): usize {
  return makeBoolean(typeOf(v) == TYPE_NUMBER);
}

export function builtin_is_object(v: usize): usize {
  return makeBoolean(typeOf(v) == TYPE_OBJECT);
}

export function builtin_is_set(v: usize): usize {
  return makeBoolean(typeOf(v) == TYPE_SET);
}

export function builtin_is_string(v: usize): usize {
  return makeBoolean(typeOf(v) == TYPE_STRING);
}

// The names, as static UTF-8 bytes, so that the result needs no copy.
// @ts-ignore: decorator
@lazy
const TYPE_NAMES = memory.data<u8>([
  0x6e,
  0x75,
  0x6c,
  0x6c, // null        @0  4
  0x62,
  0x6f,
  0x6f,
  0x6c,
  0x65,
  0x61,
  0x6e, // boolean     @4  7
  0x6e,
  0x75,
  0x6d,
  0x62,
  0x65,
  0x72, // number      @11 6
  0x73,
  0x74,
  0x72,
  0x69,
  0x6e,
  0x67, // string      @17 6
  0x61,
  0x72,
  0x72,
  0x61,
  0x79, // array       @23 5
  0x6f,
  0x62,
  0x6a,
  0x65,
  0x63,
  0x74, // object      @28 6
  0x73,
  0x65,
  0x74, // set         @34 3
]);

/** builtin_type_name is the name of the type of `v`: "null", "boolean", "number", "string", "array", "object", "set". */
export function builtin_type_name(v: usize): usize {
  switch (typeOf(v)) {
    case TYPE_NULL:
      return makeString(TYPE_NAMES, 4);
    case TYPE_BOOLEAN:
      return makeString(TYPE_NAMES + 4, 7);
    case TYPE_NUMBER:
      return makeString(TYPE_NAMES + 11, 6);
    case TYPE_STRING:
      return makeString(TYPE_NAMES + 17, 6);
    case TYPE_ARRAY:
      return makeString(TYPE_NAMES + 23, 5);
    case TYPE_OBJECT:
      return makeString(TYPE_NAMES + 28, 6);
  }
  return makeString(TYPE_NAMES + 34, 3);
}
