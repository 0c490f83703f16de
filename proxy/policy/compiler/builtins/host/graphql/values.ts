/*
 * The rules about literal values: ValuesOfCorrectType (a literal must fit the type expected where it stands) and
 * VariablesInAllowedPosition (a variable's declared type must fit there), with gqlparser's Value methods they use.
 */

import { GqlType, type Value, ValueKind } from './ast.js';
import { GoPanic, must } from './errors.js';
import type { Rule } from './rules.js';
import { forName, isCompatible, typeString } from './schema.js';
import { didYouMean } from './suggestions.js';
import { quoteGo } from '../value.js';

/** valueText is ast.Value's String(). */
export function valueText(value: Value): string {
  switch (value.Kind) {
    case ValueKind.Variable:
      return `$${value.Raw}`;
    case ValueKind.Int:
    case ValueKind.Float:
    case ValueKind.Enum:
    case ValueKind.Boolean:
    case ValueKind.Null:
      return value.Raw;
    case ValueKind.String:
    case ValueKind.Block:
      return quoteGo(value.Raw);
    case ValueKind.List:
      return `[${(value.Children ?? []).map((child) => valueText(must(must(child).Value))).join(',')}]`;
    case ValueKind.Object:
      return `{${(value.Children ?? []).map((child) => `${must(child).Name}:${valueText(must(must(child).Value))}`).join(',')}}`;
    default:
      throw new GoPanic(`unknown value kind ${value.Kind}`);
  }
}

/** convertsToGo says whether ast.Value's Value(nil) succeeds: numbers and booleans must parse as Go parses them. */
function convertsToGo(value: Value | null): boolean {
  if (value === null) return true;
  switch (value.Kind) {
    case ValueKind.Variable: {
      const declared = value.VariableDefinition;
      return declared === null || convertsToGo(declared.DefaultValue);
    }
    case ValueKind.Int:
      return parsesAsInt(value.Raw, 64);
    case ValueKind.Float:
      return parsesAsFloat(value.Raw);
    case ValueKind.String:
    case ValueKind.Block:
    case ValueKind.Enum:
    case ValueKind.Null:
      return true;
    case ValueKind.Boolean:
      return GO_BOOLEANS.has(value.Raw);
    case ValueKind.List:
    case ValueKind.Object:
      return (value.Children ?? []).every((child) => convertsToGo(must(child).Value));
    default:
      throw new GoPanic(`unknown value kind ${value.Kind}`);
  }
}

/** The spellings strconv.ParseBool accepts. */
const GO_BOOLEANS = new Set(['1', 't', 'T', 'TRUE', 'true', 'True', '0', 'f', 'F', 'FALSE', 'false', 'False']);

/** parsesAsInt is strconv.ParseInt(raw, 10, bits) succeeding. */
function parsesAsInt(raw: string, bits: 32 | 64): boolean {
  return intSyntax(raw) && !intOutOfRange(raw, bits);
}

function intSyntax(raw: string): boolean {
  return /^[+-]?[0-9]+$/.test(raw);
}

function intOutOfRange(raw: string, bits: 32 | 64): boolean {
  const limit = 1n << BigInt(bits - 1);
  const value = BigInt(raw.replace(/^\+/, ''));
  return value < -limit || value >= limit;
}

/** parsesAsFloat is strconv.ParseFloat(raw, 64) succeeding: the syntax Go accepts, and no overflow. */
function parsesAsFloat(raw: string): boolean {
  if (/^[+-]?(inf|infinity)$/i.test(raw) || /^nan$/i.test(raw)) return true;
  if (/^[+-]?0x(?:[0-9a-f]+\.?[0-9a-f]*|\.[0-9a-f]+)p[+-]?[0-9]+$/i.test(raw)) return true;
  if (!/^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:e[+-]?[0-9]+)?$/i.test(raw)) return false;
  return Number.isFinite(Number(raw));
}

const BUILT_IN_SCALARS = new Set(['Int', 'Float', 'String', 'Boolean', 'ID']);

/** wrongTypeMessage is the message for a literal of the wrong kind, worded by the expected type. */
function wrongTypeMessage(value: Value, expected: GqlType, isEnum: boolean): string {
  const text = valueText(value);
  switch (typeString(expected)) {
    case 'Int':
    case 'Int!':
      return intSyntax(value.Raw) && intOutOfRange(value.Raw, 32)
        ? `Int cannot represent non 32-bit signed integer value: ${text}`
        : `Int cannot represent non-integer value: ${text}`;
    case 'String':
    case 'String!':
    case '[String]':
      return `String cannot represent a non string value: ${text}`;
    case 'Boolean':
    case 'Boolean!':
      return `Boolean cannot represent a non boolean value: ${text}`;
    case 'Float':
    case 'Float!':
      return `Float cannot represent non numeric value: ${text}`;
    case 'ID':
    case 'ID!':
      return `ID cannot represent a non-string and non-integer value: ${text}`;
    default:
      return isEnum
        ? `Enum "${typeString(expected)}" cannot represent non-enum value: ${text}.`
        : `Expected value of type "${typeString(expected)}", found ${text}.`;
  }
}

export const valuesOfCorrectType: Rule = {
  name: 'ValuesOfCorrectType',
  register(observers, report) {
    observers.value.push((walker, value) => {
      const definition = value.Definition;
      const expected = value.ExpectedType;
      if (definition === null || expected === null) return;
      if (value.Kind === ValueKind.Null && expected.NonNull) {
        report(`Expected value of type "${typeString(expected)}", found ${valueText(value)}.`, value.Position);
      }
      // Custom scalars validate their own literals.
      if (definition.Kind === 'SCALAR' && !BUILT_IN_SCALARS.has(definition.Name)) return;
      const isEnum = definition.Kind === 'ENUM';
      const enumNames = (): string[] =>
        isEnum ? (definition.EnumValues ?? []).map((enumValue) => must(enumValue).Name) : [];
      const wrongType = (): void => report(wrongTypeMessage(value, expected, isEnum), value.Position);
      const is = (...names: string[]): boolean => names.includes(definition.Name);
      if (!convertsToGo(value)) wrongType();
      switch (value.Kind) {
        case ValueKind.List:
          if (expected.Elem === null) wrongType();
          return;
        case ValueKind.Int:
          if (!is('Int', 'Float', 'ID')) wrongType();
          return;
        case ValueKind.Float:
          if (!is('Float')) wrongType();
          return;
        case ValueKind.String:
        case ValueKind.Block:
          if (isEnum) {
            report(
              `Enum "${typeString(expected)}" cannot represent non-enum value: ${valueText(value)}.` +
                didYouMean('Did you mean the enum value', value.Raw, enumNames(), true, walker.budget),
              value.Position,
            );
          } else if (!is('String', 'ID')) {
            wrongType();
          }
          return;
        case ValueKind.Enum:
          if (!isEnum) {
            report(
              wrongTypeMessage(value, expected, isEnum) +
                didYouMean('Did you mean the enum value', value.Raw, enumNames(), false, walker.budget),
              value.Position,
            );
          } else if (forName(definition.EnumValues, value.Raw) === null) {
            report(
              `Value "${valueText(value)}" does not exist in "${typeString(expected)}" enum.` +
                didYouMean('Did you mean the enum value', value.Raw, enumNames(), true, walker.budget),
              value.Position,
            );
          }
          return;
        case ValueKind.Boolean:
          if (!is('Boolean')) wrongType();
          return;
        case ValueKind.Object:
          for (const entry of definition.Fields ?? []) {
            const field = must(entry);
            if (!must(field.Type).NonNull) continue;
            const given = forName(value.Children, field.Name);
            if ((given === null || given.Value === null) && field.DefaultValue === null) {
              report(
                `Field "${definition.Name}.${field.Name}" of required type "${typeString(field.Type)}" was not provided.`,
                value.Position,
              );
            }
          }
          for (const entry of value.Children ?? []) {
            const child = must(entry);
            if (forName(definition.Fields, child.Name) !== null) continue;
            const names = (definition.Fields ?? []).map((field) => must(field).Name);
            report(
              `Field "${child.Name}" is not defined by type "${definition.Name}".` +
                didYouMean('Did you mean', child.Name, names, true, walker.budget),
              child.Position,
            );
          }
          return;
        default:
          // Null and Variable values have nothing more to check; other kinds panicked in convertsToGo.
          return;
      }
    });
  },
};

export const variablesInAllowedPosition: Rule = {
  name: 'VariablesInAllowedPosition',
  register(observers, report) {
    observers.value.push((walker, value) => {
      const expected = value.ExpectedType;
      const declared = value.VariableDefinition;
      if (value.Kind !== ValueKind.Variable || expected === null || declared === null) return;
      if (walker.currentOperation === null) return;
      // A variable with a default may stand where a non-null value is expected.
      const allowed = Object.assign(new GqlType(), expected);
      if (declared.DefaultValue !== null && declared.DefaultValue.Kind !== ValueKind.Null && expected.NonNull) {
        allowed.NonNull = false;
      }
      if (!isCompatible(must(declared.Type), allowed)) {
        report(
          `Variable "${valueText(value)}" of type "${typeString(declared.Type)}" used in position expecting type "${typeString(expected)}".`,
          value.Position,
        );
      }
    });
  },
};
