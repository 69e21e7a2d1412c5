;; Tags query for Python.
;;
;; Roles follow tree-sitter's tags vocabulary (docs/src/4-code-navigation.md in
;; tree-sitter/tree-sitter): the whole entity is `@definition.<kind>` or
;; `@reference.<kind>`, its identifier `@name`. The class and function patterns are
;; adapted from `queries/tags.scm` of tree-sitter/tree-sitter-python (MIT licence).
;; Beyond the standard kinds: `@definition.variable` (every assignment target; the
;; adapter tells module, class and function scope apart), `@definition.parameter`,
;; `@reference.import` with `@module` / `@alias` / `@wildcard`, `@reference.call`
;; with `@receiver`, `@reference.base`, `@reference.type`, `@reference.decorator`,
;; and `@value` for the dotted callee a local is assigned from (`x = Foo()`).

;; Definitions

(class_definition name: (identifier) @name) @definition.class

(function_definition name: (identifier) @name) @definition.function

;; One pattern, one match per assignment, with optional parts (three patterns matched most
;; assignments twice). `@value` is the annotation and then the callee, in source order
;; (the adapter takes the annotation when there are both).
(assignment
  left: (identifier) @name
  type: (type [(identifier) (attribute)] @value)?
  right: (call function: [(identifier) (attribute)] @value)?) @definition.variable

(assignment left: [(pattern_list) (tuple_pattern)] (identifier) @name) @definition.variable

(for_statement left: (identifier) @name) @definition.variable
(for_statement left: [(pattern_list) (tuple_pattern)] (identifier) @name) @definition.variable
(as_pattern alias: (as_pattern_target (identifier) @name)) @definition.variable
(named_expression name: (identifier) @name) @definition.variable
(global_statement (identifier) @name) @definition.global
(nonlocal_statement (identifier) @name) @definition.global

(parameters (identifier) @name) @definition.parameter
(lambda_parameters (identifier) @name) @definition.parameter
(default_parameter name: (identifier) @name) @definition.parameter
(typed_parameter (identifier) @name type: (type [(identifier) (attribute)] @value)?) @definition.parameter
(typed_default_parameter name: (identifier) @name type: (type [(identifier) (attribute)] @value)?) @definition.parameter
(list_splat_pattern (identifier) @name) @definition.parameter
(dictionary_splat_pattern (identifier) @name) @definition.parameter
(typed_parameter (list_splat_pattern (identifier) @name)) @definition.parameter
(typed_parameter (dictionary_splat_pattern (identifier) @name)) @definition.parameter

;; References

(call function: (identifier) @name) @reference.call

(call function: (attribute object: (_) @receiver attribute: (identifier) @name)) @reference.call

(decorator [(identifier) (attribute)] @name) @reference.decorator

(class_definition
  superclasses: (argument_list [(identifier) (attribute)] @name @reference.base))

(type [(identifier) (attribute)] @name @reference.type)
(generic_type (identifier) @name @reference.type)
(type_parameter (type (generic_type (identifier) @name @reference.type)))

;; Imports

(import_statement name: (dotted_name) @module) @reference.import

(import_statement
  name: (aliased_import name: (dotted_name) @module alias: (identifier) @alias)) @reference.import

(import_from_statement
  module_name: (_) @module
  name: (dotted_name) @name) @reference.import

(import_from_statement
  module_name: (_) @module
  name: (aliased_import name: (dotted_name) @name alias: (identifier) @alias)) @reference.import

(import_from_statement
  module_name: (_) @module
  (wildcard_import) @wildcard) @reference.import
