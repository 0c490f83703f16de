/*
 * gqlparser's validation walk (validator.Walk): it visits every operation, then every fragment definition, binding
 * each node to its schema definition (a field to its FieldDefinition, a value to its expected type, a variable use
 * to its declaration, marking that declaration used) and calling the rules' observers as it leaves each node. A
 * fragment spread's selections are walked in place, once per operation, so variables used in fragments count for
 * the operation spreading them.
 */

import {
  type Argument,
  type ArgumentDefinition,
  type Definition,
  type Directive,
  Field,
  FieldDefinition,
  type FragmentDefinition,
  type FragmentSpread,
  InlineFragment,
  type OperationDefinition,
  type QueryDocument,
  type Selection,
  type Value,
  type VariableDefinition,
  ValueKind,
} from './ast.js';
import { must, type WorkBudget } from './errors.js';
import { forName, forVariable, namedType, type Schema, typeName } from './schema.js';

/** Observers are the callbacks rules register, called in registration order. */
export class Observers {
  readonly operation: ((walker: Walker, operation: OperationDefinition) => void)[] = [];
  readonly field: ((walker: Walker, field: Field) => void)[] = [];
  readonly fragment: ((walker: Walker, fragment: FragmentDefinition) => void)[] = [];
  readonly inlineFragment: ((walker: Walker, fragment: InlineFragment) => void)[] = [];
  readonly fragmentSpread: ((walker: Walker, spread: FragmentSpread) => void)[] = [];
  readonly directive: ((walker: Walker, directive: Directive) => void)[] = [];
  readonly directiveList: ((walker: Walker, directives: readonly (Directive | null)[] | null) => void)[] = [];
  readonly value: ((walker: Walker, value: Value) => void)[] = [];
  readonly variable: ((walker: Walker, variable: VariableDefinition) => void)[] = [];
}

/** Walker walks one document against one schema. */
export class Walker {
  readonly schema: Schema;
  readonly document: QueryDocument;
  readonly budget: WorkBudget;
  /** The operation being walked; null while fragment definitions are walked. */
  currentOperation: OperationDefinition | null = null;
  readonly #observers: Observers;
  #validatedFragmentSpreads = new Set<string>();

  constructor(schema: Schema, document: QueryDocument, observers: Observers, budget: WorkBudget) {
    this.schema = schema;
    this.document = document;
    this.#observers = observers;
    this.budget = budget;
  }

  walk(): void {
    for (const operation of this.document.Operations ?? []) {
      this.#validatedFragmentSpreads = new Set();
      this.#walkOperation(must(operation));
    }
    for (const fragment of this.document.Fragments ?? []) {
      this.#validatedFragmentSpreads = new Set();
      this.#walkFragment(must(fragment));
    }
  }

  /** type is the schema's named type, or null. */
  type(name: string): Definition | null {
    return this.schema.Types.get(name) ?? null;
  }

  #walkOperation(operation: OperationDefinition): void {
    this.currentOperation = operation;
    for (const entry of operation.VariableDefinitions ?? []) {
      const variable = must(entry);
      variable.Definition = this.type(typeName(variable.Type));
      for (const observe of this.#observers.variable) observe(this, variable);
      if (variable.DefaultValue !== null) {
        variable.DefaultValue.ExpectedType = variable.Type;
        variable.DefaultValue.Definition = this.type(typeName(variable.Type));
      }
    }
    const [root, location] = this.#root(operation.Operation);
    for (const entry of operation.VariableDefinitions ?? []) {
      const variable = must(entry);
      if (variable.DefaultValue !== null) this.#walkValue(variable.DefaultValue);
      this.#walkDirectives(variable.Definition, variable.Directives, 'VARIABLE_DEFINITION');
    }
    this.#walkDirectives(root, operation.Directives, location);
    this.#walkSelectionSet(root, operation.SelectionSet);
    for (const observe of this.#observers.operation) observe(this, operation);
    this.currentOperation = null;
  }

  #root(operation: string): [Definition | null, string] {
    switch (operation) {
      case 'query':
      case '':
        return [this.schema.Query, 'QUERY'];
      case 'mutation':
        return [this.schema.Mutation, 'MUTATION'];
      case 'subscription':
        return [this.schema.Subscription, 'SUBSCRIPTION'];
      default:
        return [null, ''];
    }
  }

  #walkFragment(fragment: FragmentDefinition): void {
    const definition = this.type(fragment.TypeCondition);
    fragment.Definition = definition;
    this.#walkDirectives(definition, fragment.Directives, 'FRAGMENT_DEFINITION');
    this.#walkSelectionSet(definition, fragment.SelectionSet);
    for (const observe of this.#observers.fragment) observe(this, fragment);
  }

  #walkDirectives(parent: Definition | null, directives: readonly (Directive | null)[] | null, location: string): void {
    for (const entry of directives ?? []) {
      const directive = must(entry);
      const definition = this.schema.Directives.get(directive.Name) ?? null;
      directive.Definition = definition;
      directive.ParentDefinition = parent;
      directive.Location = location;
      for (const arg of directive.Arguments ?? []) {
        this.#walkArgument(definition === null ? null : forName(definition.Arguments, must(arg).Name), must(arg));
      }
      for (const observe of this.#observers.directive) observe(this, directive);
    }
    for (const observe of this.#observers.directiveList) observe(this, directives);
  }

  #walkArgument(definition: ArgumentDefinition | null, arg: Argument): void {
    if (definition !== null) {
      must(arg.Value).ExpectedType = definition.Type;
      must(arg.Value).Definition = this.type(typeName(definition.Type));
    }
    this.#walkValue(must(arg.Value));
  }

  #walkValue(value: Value): void {
    this.budget.spend();
    const operation = this.currentOperation;
    if (value.Kind === ValueKind.Variable && operation !== null) {
      value.VariableDefinition = forVariable(operation.VariableDefinitions, value.Raw);
      if (value.VariableDefinition !== null) value.VariableDefinition.Used = true;
    }
    if (value.Kind === ValueKind.Object) {
      for (const entry of value.Children ?? []) {
        const child = must(entry);
        if (value.Definition !== null) {
          const field = forName(value.Definition.Fields, child.Name);
          if (field !== null) {
            must(child.Value).ExpectedType = field.Type;
            must(child.Value).Definition = this.type(typeName(field.Type));
          }
        }
        this.#walkValue(must(child.Value));
      }
    }
    if (value.Kind === ValueKind.List) {
      for (const entry of value.Children ?? []) {
        const child = must(entry);
        if (value.ExpectedType !== null && value.ExpectedType.Elem !== null) {
          must(child.Value).ExpectedType = value.ExpectedType.Elem;
          must(child.Value).Definition = value.Definition;
        }
        this.#walkValue(must(child.Value));
      }
    }
    for (const observe of this.#observers.value) observe(this, value);
  }

  #walkSelectionSet(parent: Definition | null, selections: readonly Selection[] | null): void {
    for (const selection of selections ?? []) this.#walkSelection(parent, selection);
  }

  #walkSelection(parent: Definition | null, selection: Selection): void {
    this.budget.spend();
    if (selection instanceof Field) {
      let definition: FieldDefinition | null = null;
      if (selection.Name === '__typename') {
        definition = new FieldDefinition();
        definition.Name = '__typename';
        definition.Type = namedType('String', false);
      } else if (parent !== null) {
        definition = forName(parent.Fields, selection.Name);
      }
      selection.Definition = definition;
      selection.ObjectDefinition = parent;
      const next = definition === null ? null : this.type(typeName(definition.Type));
      for (const entry of selection.Arguments ?? []) {
        const arg = must(entry);
        this.#walkArgument(definition === null ? null : forName(definition.Arguments, arg.Name), arg);
      }
      this.#walkDirectives(next, selection.Directives, 'FIELD');
      this.#walkSelectionSet(next, selection.SelectionSet);
      for (const observe of this.#observers.field) observe(this, selection);
    } else if (selection instanceof InlineFragment) {
      selection.ObjectDefinition = parent;
      const next = selection.TypeCondition === '' ? parent : this.type(selection.TypeCondition);
      this.#walkDirectives(next, selection.Directives, 'INLINE_FRAGMENT');
      this.#walkSelectionSet(next, selection.SelectionSet);
      for (const observe of this.#observers.inlineFragment) observe(this, selection);
    } else {
      const definition = forName(this.document.Fragments, selection.Name);
      selection.Definition = definition;
      selection.ObjectDefinition = parent;
      const next = definition === null ? null : this.type(definition.TypeCondition);
      this.#walkDirectives(next, selection.Directives, 'FRAGMENT_SPREAD');
      if (definition !== null && !this.#validatedFragmentSpreads.has(definition.Name)) {
        this.#validatedFragmentSpreads.add(definition.Name);
        this.#walkSelectionSet(next, definition.SelectionSet);
      }
      for (const observe of this.#observers.fragmentSpread) observe(this, selection);
    }
  }
}
