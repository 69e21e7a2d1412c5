;; Tags query for JavaScript and JSX: the TypeScript query without the type syntax.
;;
;; Roles follow tree-sitter's tags vocabulary (docs/src/4-code-navigation.md in
;; tree-sitter/tree-sitter): the entity is `@definition.<kind>` / `@reference.<kind>`, its
;; identifier `@name`. Class, interface, function and method patterns are adapted from
;; `queries/tags.scm` of tree-sitter/tree-sitter-typescript and tree-sitter-javascript (MIT
;; licence). The adapter (parsers/typescript.py) reads exports, import clauses, receivers
;; and signatures from the captured nodes themselves.

;; Definitions

(class_declaration name: (_) @name) @definition.class

(function_declaration name: (_) @name) @definition.function
(generator_function_declaration name: (_) @name) @definition.function

(method_definition name: (_) @name) @definition.method

(field_definition property: (_) @name) @definition.field

(variable_declarator name: (_) @name) @definition.variable
(export_statement value: (_) @value) @definition.default

(arrow_function parameter: (identifier) @name) @definition.parameter
(for_in_statement left: (_) @name) @definition.parameter
(catch_clause parameter: (_) @name) @definition.parameter

;; References

(call_expression function: (_) @name) @reference.call
(new_expression constructor: (_) @name) @reference.call
(class_heritage) @reference.base

(jsx_opening_element name: (_) @name) @reference.type
(jsx_self_closing_element name: (_) @name) @reference.type

;; Imports and exports

(import_statement source: (_) @module) @reference.import
(export_statement source: (_) @module) @reference.reexport
(export_statement (export_clause) @name) @reference.export
(assignment_expression left: (member_expression) @name right: (_) @value) @reference.assign
(formal_parameters (identifier) @name) @definition.parameter
(formal_parameters (assignment_pattern left: (identifier) @name)) @definition.parameter
(formal_parameters (object_pattern) @name) @definition.parameter
(formal_parameters (rest_pattern (identifier) @name)) @definition.parameter

;; Scopes: every function, method, static block and the program (the adapter's `_Functions`: the
;; names a call's receiver may be bound in).
[(function_declaration) (generator_function_declaration) (function_expression) (generator_function)
 (method_definition) (arrow_function) (class_static_block) (program)] @scope
