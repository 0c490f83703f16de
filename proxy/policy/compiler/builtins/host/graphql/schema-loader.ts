/*
 * How a schema is loaded: OPA merges the prelude and the user's schema document and runs gqlparser's
 * ValidateSchemaDocument, which folds extensions into their types (creating the type when it does not exist),
 * finds the root operation types and checks every definition. The first problem found is the error. Loading
 * changes the definitions it is given, as gqlparser's does.
 */

import {
  ArgumentDefinition,
  Definition,
  type Directive,
  type DirectiveDefinition,
  FieldDefinition,
  type GqlType,
  type Position,
  SchemaDocument,
  ValueKind,
} from './ast.js';
import { errorAtPosition, must } from './errors.js';
import { parsePrelude } from './prelude.js';
import { forName, isCompatible, namedType, Schema, typeName, typeString } from './schema.js';
import { compareStrings, quoteGo } from '../value.js';

/** loadSchema merges the prelude in front of `doc` and validates the result. @throws {GqlError} */
export function loadSchema(doc: SchemaDocument): Schema {
  const prelude = parsePrelude();
  const merged = new SchemaDocument();
  merged.Schema = concat(prelude.Schema, doc.Schema);
  merged.SchemaExtension = concat(prelude.SchemaExtension, doc.SchemaExtension);
  merged.Directives = concat(prelude.Directives, doc.Directives);
  merged.Definitions = concat(prelude.Definitions, doc.Definitions);
  merged.Extensions = concat(prelude.Extensions, doc.Extensions);
  return validateSchemaDocument(merged);
}

function concat<T>(a: T[] | null, b: T[] | null): T[] | null {
  return a === null && b === null ? null : [...(a ?? []), ...(b ?? [])];
}

/** The built-in directives a schema may declare again; the first declaration is kept. */
const REDECLARABLE_DIRECTIVES = new Set(['include', 'skip', 'deprecated', 'specifiedBy', 'defer', 'oneOf']);

function validateSchemaDocument(doc: SchemaDocument): Schema {
  const schema = new Schema();
  for (const entry of doc.Definitions ?? []) {
    const definition = must(entry);
    if (schema.Types.has(definition.Name)) fail(definition.Position, `Cannot redeclare type ${definition.Name}.`);
    schema.Types.set(definition.Name, definition);
  }
  const definitions = [...(doc.Definitions ?? [])].map(must);
  for (const entry of doc.Extensions ?? []) {
    const extension = must(entry);
    let definition = schema.Types.get(extension.Name);
    if (definition === undefined) {
      definition = new Definition();
      definition.Kind = extension.Kind;
      definition.Name = extension.Name;
      definition.Position = extension.Position;
      schema.Types.set(extension.Name, definition);
      definitions.push(definition);
    }
    if (definition.Kind !== extension.Kind) {
      fail(
        extension.Position,
        `Cannot extend type ${extension.Name} because the base type is a ${definition.Kind}, not ${extension.Kind}.`,
      );
    }
    definition.Directives = concat(definition.Directives, extension.Directives);
    definition.Interfaces = concat(definition.Interfaces, extension.Interfaces);
    definition.Fields = concat(definition.Fields, extension.Fields);
    definition.Types = concat(definition.Types, extension.Types);
    definition.EnumValues = concat(definition.EnumValues, extension.EnumValues);
  }
  for (const definition of definitions) {
    if (definition.Kind === 'UNION') {
      for (const member of definition.Types ?? []) schema.addPossibleType(definition.Name, lookup(schema, member));
    } else if (definition.Kind === 'OBJECT' || definition.Kind === 'INPUT_OBJECT' || definition.Kind === 'INTERFACE') {
      for (const intf of definition.Interfaces ?? []) schema.addPossibleType(intf, definition);
      if (definition.Kind !== 'INTERFACE') schema.addPossibleType(definition.Name, definition);
    }
  }
  for (const entry of doc.Directives ?? []) {
    const directive = must(entry);
    if (schema.Directives.has(directive.Name)) {
      if (REDECLARABLE_DIRECTIVES.has(directive.Name)) continue;
      fail(directive.Position, `Cannot redeclare directive ${directive.Name}.`);
    }
    schema.Directives.set(directive.Name, directive);
  }
  const schemaDefinitions = doc.Schema ?? [];
  if (schemaDefinitions.length > 1) {
    fail(
      must(schemaDefinitions[1]).Position,
      'Cannot have multiple schema entry points, consider schema extensions instead.',
    );
  }
  for (const entry of [...schemaDefinitions, ...(doc.SchemaExtension ?? [])]) {
    const definition = must(entry);
    for (const operationTypeEntry of definition.OperationTypes ?? []) {
      const operationType = must(operationTypeEntry);
      const root = schema.Types.get(operationType.Type);
      if (root === undefined) {
        fail(
          operationType.Position,
          `Schema root ${operationType.Operation} refers to a type ${operationType.Type} that does not exist.`,
        );
      }
      if (operationType.Operation === 'query') schema.Query = root;
      else if (operationType.Operation === 'mutation') schema.Mutation = root;
      else if (operationType.Operation === 'subscription') schema.Subscription = root;
    }
    validateDirectives(schema, definition.Directives, 'SCHEMA', null);
  }
  for (const name of [...schema.Types.keys()].sort(compareStrings)) validateDefinition(schema, schema.Types.get(name)!);
  for (const name of [...schema.Directives.keys()].sort(compareStrings)) {
    const directive = schema.Directives.get(name)!;
    validateName(directive.Position, directive.Name);
    validateArguments(schema, directive.Arguments, directive);
  }
  // Root types are inferred from their names only when no schema definition names them.
  if (schemaDefinitions.length === 0) {
    schema.Query ??= schema.Types.get('Query') ?? null;
    schema.Mutation ??= schema.Types.get('Mutation') ?? null;
    schema.Subscription ??= schema.Types.get('Subscription') ?? null;
  }
  if (schema.Query !== null) {
    const typeField = new FieldDefinition();
    typeField.Name = '__type';
    typeField.Type = namedType('__Type', false);
    const nameArgument = new ArgumentDefinition();
    nameArgument.Name = 'name';
    nameArgument.Type = namedType('String', true);
    typeField.Arguments = [nameArgument];
    const schemaField = new FieldDefinition();
    schemaField.Name = '__schema';
    schemaField.Type = namedType('__Schema', true);
    schema.Query.Fields = concat(schema.Query.Fields, [schemaField, typeField]);
  }
  return schema;
}

function lookup(schema: Schema, name: string): Definition | null {
  return schema.Types.get(name) ?? null;
}

function fail(position: Position | null, message: string): never {
  throw errorAtPosition(position, message);
}

const OUTPUT_KINDS = ['SCALAR', 'OBJECT', 'INTERFACE', 'UNION', 'ENUM'];
const INPUT_KINDS = ['SCALAR', 'ENUM', 'INPUT_OBJECT'];

function validateDefinition(schema: Schema, definition: Definition): void {
  for (const entry of definition.Fields ?? []) {
    const field = must(entry);
    validateName(field.Position, field.Name);
    validateTypeRef(schema, field.Type);
    validateArguments(schema, field.Arguments, null);
    const location = definition.Kind === 'INPUT_OBJECT' ? 'INPUT_FIELD_DEFINITION' : 'FIELD_DEFINITION';
    validateDirectives(schema, field.Directives, location, null);
  }
  for (const member of definition.Types ?? []) {
    const memberDefinition = schema.Types.get(member);
    if (memberDefinition === undefined) fail(definition.Position, `Undefined type ${quoteGo(member)}.`);
    if (memberDefinition.Kind !== 'OBJECT') {
      fail(definition.Position, `${definition.Kind} type ${quoteGo(member)} must be OBJECT.`);
    }
  }
  for (const intf of definition.Interfaces ?? []) validateImplements(schema, definition, intf);
  // Every field was dereferenced above.
  const fields = (definition.Fields ?? []) as FieldDefinition[];
  const label = `${definition.Kind} ${definition.Name}`;
  switch (definition.Kind) {
    case 'OBJECT':
    case 'INTERFACE':
      if (fields.length === 0) fail(definition.Position, `${label}: must define one or more fields.`);
      for (const field of fields) {
        const type = schema.Types.get(typeName(field.Type));
        if (type !== undefined && !OUTPUT_KINDS.includes(type.Kind)) {
          fail(field.Position, `${label}: field must be one of ${OUTPUT_KINDS.join(', ')}.`);
        }
      }
      break;
    case 'ENUM': {
      const values = definition.EnumValues ?? [];
      if (values.length === 0) fail(definition.Position, `${label}: must define one or more unique enum values.`);
      for (const entry of values) {
        const value = must(entry);
        if (value.Name === 'true' || value.Name === 'false' || value.Name === 'null') {
          fail(definition.Position, `${label}: non-enum value ${value.Name}.`);
        }
        validateDirectives(schema, value.Directives, 'ENUM_VALUE', null);
      }
      break;
    }
    case 'INPUT_OBJECT':
      if (fields.length === 0) fail(definition.Position, `${label}: must define one or more input fields.`);
      for (const field of fields) {
        const type = schema.Types.get(typeName(field.Type));
        if (type !== undefined && !INPUT_KINDS.includes(type.Kind)) {
          fail(field.Position, `${label}: field must be one of ${INPUT_KINDS.join(', ')}.`);
        }
      }
      break;
  }
  // gqlparser compares every pair; the first pair it meets is the first field named again, with its next namesake.
  const nextNamesake = new Map<string, FieldDefinition>();
  let duplicate: FieldDefinition | null = null;
  for (let i = fields.length - 1; i >= 0; i--) {
    const namesake = nextNamesake.get(fields[i]!.Name);
    if (namesake !== undefined) duplicate = namesake;
    nextNamesake.set(fields[i]!.Name, fields[i]!);
  }
  if (duplicate !== null)
    fail(duplicate.Position, `Field ${definition.Name}.${duplicate.Name} can only be defined once.`);
  if (!definition.BuiltIn) validateName(definition.Position, definition.Name);
  validateDirectives(schema, definition.Directives, definition.Kind, null);
}

function validateTypeRef(schema: Schema, type: GqlType | null): void {
  const name = typeName(type);
  if (!schema.Types.has(name)) fail(must(type).Position, `Undefined type ${name}.`);
}

function validateArguments(
  schema: Schema,
  args: readonly (ArgumentDefinition | null)[] | null,
  currentDirective: DirectiveDefinition | null,
): void {
  for (const entry of args ?? []) {
    const arg = must(entry);
    validateName(arg.Position, arg.Name);
    validateTypeRef(schema, arg.Type);
    const definition = schema.Types.get(typeName(arg.Type))!;
    if (!INPUT_KINDS.includes(definition.Kind)) {
      fail(
        arg.Position,
        `cannot use ${typeString(arg.Type)} as argument ${arg.Name} because ${definition.Kind} is not a valid input type`,
      );
    }
    validateDirectives(schema, arg.Directives, 'ARGUMENT_DEFINITION', currentDirective);
  }
}

function validateDirectives(
  schema: Schema,
  directives: readonly (Directive | null)[] | null,
  location: string,
  currentDirective: DirectiveDefinition | null,
): void {
  for (const entry of directives ?? []) {
    const directive = must(entry);
    validateName(directive.Position, directive.Name);
    if (currentDirective !== null && directive.Name === currentDirective.Name) {
      fail(directive.Position, `Directive ${currentDirective.Name} cannot refer to itself.`);
    }
    const definition = schema.Directives.get(directive.Name);
    if (definition === undefined) fail(directive.Position, `Undefined directive ${directive.Name}.`);
    if (!(definition.Locations ?? []).includes(location)) {
      fail(directive.Position, `Directive ${directive.Name} is not applicable on ${location}.`);
    }
    for (const argEntry of directive.Arguments ?? []) {
      const arg = must(argEntry);
      if (forName(definition.Arguments, arg.Name) === null) {
        fail(arg.Position, `Undefined argument ${arg.Name} for directive ${directive.Name}.`);
      }
    }
    for (const argEntry of definition.Arguments ?? []) {
      const schemaArg = must(argEntry);
      if (must(schemaArg.Type).NonNull && schemaArg.DefaultValue === null) {
        const arg = forName(directive.Arguments, schemaArg.Name);
        if (arg === null || must(arg.Value).Kind === ValueKind.Null) {
          fail(directive.Position, `Argument ${schemaArg.Name} for directive ${directive.Name} cannot be null.`);
        }
      }
    }
    directive.Definition = definition;
  }
}

/** validateImplements checks that `definition` provides what interface `name` promises, transitively. */
function validateImplements(schema: Schema, definition: Definition, name: string): void {
  const intf = schema.Types.get(name);
  if (intf === undefined) fail(definition.Position, `Undefined type ${quoteGo(name)}.`);
  if (intf.Kind !== 'INTERFACE') fail(definition.Position, `${quoteGo(name)} is a non interface type ${intf.Kind}.`);
  const implementing = `For ${definition.Name} to implement ${intf.Name}`;
  for (const requiredEntry of intf.Fields ?? []) {
    const required = must(requiredEntry);
    const found = forName(definition.Fields, required.Name);
    if (found === null) fail(definition.Position, `${implementing} it must have a field called ${required.Name}.`);
    if (!isCovariant(schema, must(required.Type), must(found.Type))) {
      fail(found.Position, `${implementing} the field ${required.Name} must have type ${typeString(required.Type)}.`);
    }
    for (const requiredArgEntry of required.Arguments ?? []) {
      const requiredArg = must(requiredArgEntry);
      const foundArg = forName(found.Arguments, requiredArg.Name);
      if (foundArg === null) {
        fail(
          found.Position,
          `${implementing} the field ${required.Name} must have the same arguments but it is missing ${requiredArg.Name}.`,
        );
      }
      if (!isCompatible(must(requiredArg.Type), must(foundArg.Type))) {
        fail(
          foundArg.Position,
          `${implementing} the field ${required.Name} must have the same arguments but ${requiredArg.Name} has the wrong type.`,
        );
      }
    }
    for (const foundArgEntry of found.Arguments ?? []) {
      const foundArg = must(foundArgEntry);
      const additional = forName(required.Arguments, foundArg.Name) === null;
      if (additional && must(foundArg.Type).NonNull && foundArg.DefaultValue === null) {
        fail(
          foundArg.Position,
          `${implementing} any additional arguments on ${found.Name} must be optional or have a default value but ${foundArg.Name} is required.`,
        );
      }
    }
  }
  for (const transitive of intf.Interfaces ?? []) {
    if ((definition.Interfaces ?? []).includes(transitive)) continue;
    if (transitive === definition.Name) {
      fail(
        definition.Position,
        `Type ${definition.Name} cannot implement ${name} because it would create a circular reference.`,
      );
    }
    fail(
      definition.Position,
      `Type ${definition.Name} must implement ${transitive} because it is implemented by ${name}.`,
    );
  }
}

/** isCovariant says whether a field of type `actual` may implement one of type `required`. */
function isCovariant(schema: Schema, required: GqlType, actual: GqlType): boolean {
  if (required.NonNull && !actual.NonNull) return false;
  if (required.NamedType !== '') {
    if (required.NamedType === actual.NamedType) return true;
    return (schema.PossibleTypes.get(required.NamedType) ?? []).some((type) => must(type).Name === actual.NamedType);
  }
  if (required.Elem !== null && actual.Elem === null) return false;
  return isCovariant(schema, must(required.Elem), must(actual.Elem));
}

/** validateName rejects the "__" prefix GraphQL reserves for introspection. */
function validateName(position: Position | null, name: string): void {
  if (name.startsWith('__')) {
    fail(position, `Name "${name}" must not begin with "__", which is reserved by GraphQL introspection.`);
  }
}
