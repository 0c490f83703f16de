/*
 * gqlparser's query validation rules about fields, arguments, directives and types (the fragment, operation and
 * value rules are in their own files). Each rule registers observers on the walk and reports errors with
 * gqlparser's texts, which are graphql-js's.
 */

import { type Definition, type Directive, Field, type Position, ValueKind } from './ast.js';
import { must } from './errors.js';
import { didYouMean, quotedOrList, suggestionList } from './suggestions.js';
import { forName, isAbstractType, isLeafType, typeName, typeString } from './schema.js';
import { type Observers, type Walker } from './walker.js';
import { compareStrings } from '../value.js';

/** Report adds an error; a null position gives an error without location, as gqlparser's At(nil). */
export type Report = (message: string, position: Position | null) => void;

/** Rule is one validation rule: it registers its observers for one validation. */
export interface Rule {
  readonly name: string;
  register(observers: Observers, report: Report): void;
}

export const fieldsOnCorrectType: Rule = {
  name: 'FieldsOnCorrectType',
  register(observers, report) {
    observers.field.push((walker, field) => {
      const parent = field.ObjectDefinition;
      if (parent === null || field.Definition !== null) return;
      let message = `Cannot query field "${field.Name}" on type "${parent.Name}".`;
      const types = suggestedTypeNames(walker, parent, field.Name);
      if (types.length > 0) {
        message += ` Did you mean to use an inline fragment on ${quotedOrList(types)}?`;
      } else {
        const names = suggestedFieldNames(walker, parent, field.Name);
        if (names.length > 0) message += ` Did you mean ${quotedOrList(names)}?`;
      }
      report(message, field.Position);
    });
  },
};

/**
 * suggestedTypeNames lists the implementations of an abstract type that have the field, and the interfaces they
 * implement that have it too, most used first, then by name.
 */
function suggestedTypeNames(walker: Walker, parent: Definition, name: string): string[] {
  if (!isAbstractType(parent)) return [];
  const objects: string[] = [];
  const interfaces: string[] = [];
  const usage = new Map<string, number>();
  for (const entry of walker.schema.possibleTypes(parent)) {
    walker.budget.spend();
    const possible = must(entry);
    if (forName(possible.Fields, name) === null) continue;
    objects.push(possible.Name);
    for (const intf of possible.Interfaces ?? []) {
      const intfDefinition = walker.type(intf);
      if (intfDefinition === null || forName(intfDefinition.Fields, name) === null) continue;
      if (!usage.has(intf)) interfaces.push(intf);
      usage.set(intf, (usage.get(intf) ?? 0) + 1);
    }
  }
  return [...interfaces, ...objects].sort((a, b) => (usage.get(b) ?? 0) - (usage.get(a) ?? 0) || compareStrings(a, b));
}

function suggestedFieldNames(walker: Walker, parent: Definition, name: string): string[] {
  if (parent.Kind !== 'OBJECT' && parent.Kind !== 'INTERFACE') return [];
  return suggestionList(
    name,
    (parent.Fields ?? []).map((field) => must(field).Name),
    walker.budget,
  );
}

export const knownArgumentNames: Rule = {
  name: 'KnownArgumentNames',
  register(observers, report) {
    observers.field.push((walker, field) => {
      const definition = field.Definition;
      const parent = field.ObjectDefinition;
      if (definition === null || parent === null) return;
      for (const entry of field.Arguments ?? []) {
        const arg = must(entry);
        if (forName(definition.Arguments, arg.Name) !== null) continue;
        const names = (definition.Arguments ?? []).map((candidate) => must(candidate).Name);
        report(
          `Unknown argument "${arg.Name}" on field "${parent.Name}.${field.Name}".` +
            didYouMean('Did you mean', arg.Name, names, true, walker.budget),
          field.Position,
        );
      }
    });
    observers.directive.push((walker, directive) => {
      const definition = directive.Definition;
      if (definition === null) return;
      for (const entry of directive.Arguments ?? []) {
        const arg = must(entry);
        if (forName(definition.Arguments, arg.Name) !== null) continue;
        const names = (definition.Arguments ?? []).map((candidate) => must(candidate).Name);
        report(
          `Unknown argument "${arg.Name}" on directive "@${directive.Name}".` +
            didYouMean('Did you mean', arg.Name, names, true, walker.budget),
          directive.Position,
        );
      }
    });
  },
};

export const knownDirectives: Rule = {
  name: 'KnownDirectives',
  register(observers, report) {
    const reported = new Set<string>();
    observers.directive.push((_walker, directive) => {
      const definition = directive.Definition;
      if (definition === null) {
        report(`Unknown directive "@${directive.Name}".`, directive.Position);
        return;
      }
      if ((definition.Locations ?? []).includes(directive.Location)) return;
      // A fragment's directives are walked once per spread; the error is reported once per place.
      const position = must(directive.Position);
      const key = JSON.stringify([directive.Name, position.Line, position.Column]);
      if (reported.has(key)) return;
      report(`Directive "@${directive.Name}" may not be used on ${directive.Location}.`, position);
      reported.add(key);
    });
  },
};

export const knownTypeNames: Rule = {
  name: 'KnownTypeNames',
  register(observers, report) {
    observers.variable.push((walker, variable) => {
      const name = typeName(variable.Type);
      if (walker.type(name) === null) report(`Unknown type "${name}".`, variable.Position);
    });
    observers.inlineFragment.push((walker, fragment) => {
      if (fragment.TypeCondition === '' || walker.type(fragment.TypeCondition) !== null) return;
      report(`Unknown type "${fragment.TypeCondition}".`, fragment.Position);
    });
    observers.fragment.push((walker, fragment) => {
      if (walker.type(fragment.TypeCondition) !== null) return;
      // gqlparser lists the types in Go map order; sorted is one of those orders.
      const names = [...walker.schema.Types.values()].map((type) => type.Name).sort(compareStrings);
      report(
        `Unknown type "${fragment.TypeCondition}".` +
          didYouMean('Did you mean', fragment.TypeCondition, names, true, walker.budget),
        fragment.Position,
      );
    });
  },
};

export const providedRequiredArguments: Rule = {
  name: 'ProvidedRequiredArguments',
  register(observers, report) {
    observers.field.push((_walker, field) => {
      const definition = field.Definition;
      if (definition === null) return;
      for (const entry of definition.Arguments ?? []) {
        const required = must(entry);
        if (!must(required.Type).NonNull || required.DefaultValue !== null) continue;
        if ((field.Arguments ?? []).some((arg) => must(arg).Name === required.Name)) continue;
        report(
          `Field "${field.Name}" argument "${required.Name}" of type "${typeString(required.Type)}" is required, but it was not provided.`,
          field.Position,
        );
      }
    });
    observers.directive.push((_walker, directive) => {
      const definition = directive.Definition;
      if (definition === null) return;
      for (const entry of definition.Arguments ?? []) {
        const required = must(entry);
        if (!must(required.Type).NonNull || required.DefaultValue !== null) continue;
        if ((directive.Arguments ?? []).some((arg) => must(arg).Name === required.Name)) continue;
        report(
          `Directive "@${definition.Name}" argument "${required.Name}" of type "${typeString(required.Type)}" is required, but it was not provided.`,
          directive.Position,
        );
      }
    });
  },
};

export const scalarLeafs: Rule = {
  name: 'ScalarLeafs',
  register(observers, report) {
    observers.field.push((walker, field) => {
      const definition = field.Definition;
      if (definition === null) return;
      const type = walker.type(typeName(definition.Type));
      if (type === null) return;
      const selected = (field.SelectionSet ?? []).length > 0;
      if (isLeafType(type) && selected) {
        report(
          `Field "${field.Name}" must not have a selection since type "${type.Name}" has no subfields.`,
          field.Position,
        );
      }
      if (!isLeafType(type) && !selected) {
        report(
          `Field "${field.Name}" of type "${typeString(definition.Type)}" must have a selection of subfields. Did you mean "${field.Name} { ... }"?`,
          field.Position,
        );
      }
    });
  },
};

export const uniqueArgumentNames: Rule = {
  name: 'UniqueArgumentNames',
  register(observers, report) {
    const check = (args: Field['Arguments']): void => {
      const counts = new Map<string, number>();
      for (const entry of args ?? []) {
        const arg = must(entry);
        const count = (counts.get(arg.Name) ?? 0) + 1;
        counts.set(arg.Name, count);
        if (count === 2) report(`There can be only one argument named "${arg.Name}".`, arg.Position);
      }
    };
    observers.field.push((_walker, field) => check(field.Arguments));
    observers.directive.push((_walker, directive) => check(directive.Arguments));
  },
};

export const uniqueDirectivesPerLocation: Rule = {
  name: 'UniqueDirectivesPerLocation',
  register(observers, report) {
    observers.directiveList.push((_walker, directives) => {
      const seen = new Set<string>();
      for (const entry of directives ?? []) {
        const directive: Directive = must(entry);
        if (directive.Definition?.IsRepeatable === true) continue;
        if (seen.has(directive.Name)) {
          report(`The directive "@${directive.Name}" can only be used once at this location.`, directive.Position);
        }
        seen.add(directive.Name);
      }
    });
  },
};

export const uniqueInputFieldNames: Rule = {
  name: 'UniqueInputFieldNames',
  register(observers, report) {
    observers.value.push((_walker, value) => {
      if (value.Kind !== ValueKind.Object) return;
      const seen = new Set<string>();
      for (const entry of value.Children ?? []) {
        const child = must(entry);
        if (seen.has(child.Name)) report(`There can be only one input field named "${child.Name}".`, child.Position);
        seen.add(child.Name);
      }
    });
  },
};
