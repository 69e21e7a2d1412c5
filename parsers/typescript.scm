;; Tags query for TypeScript (.ts). parsers/tsx.scm is this query plus the JSX patterns.
;;
;; Roles follow tree-sitter's tags vocabulary (docs/src/4-code-navigation.md in
;; tree-sitter/tree-sitter): the entity is `@definition.<kind>` / `@reference.<kind>`, its
;; identifier `@name`. Class, interface, function and method patterns are adapted from
;; `queries/tags.scm` of tree-sitter/tree-sitter-typescript and tree-sitter-javascript (MIT
;; licence). The adapter (parsers/typescript.py) reads exports, import clauses, receivers
;; and signatures from the captured nodes themselves.

;; Definitions

(class_declaration name: (_) @name) @definition.class
(abstract_class_declaration name: (_) @name) @definition.class
(interface_declaration name: (_) @name) @definition.interface
(type_alias_declaration name: (_) @name) @definition.type
(enum_declaration name: (_) @name) @definition.enum
(enum_body (property_identifier) @name @definition.enum_member)
(enum_assignment name: (_) @name) @definition.enum_member
(internal_module name: (_) @name) @definition.module
(function_declaration name: (_) @name) @definition.function
(generator_function_declaration name: (_) @name) @definition.function
(function_signature name: (_) @name) @definition.function
(method_definition name: (_) @name) @definition.method
(method_signature name: (_) @name) @definition.method
(abstract_method_signature name: (_) @name) @definition.method
(public_field_definition name: (_) @name) @definition.field
(property_signature name: (_) @name) @definition.property
(variable_declarator name: (_) @name) @definition.variable
(export_statement value: (_) @value) @definition.default

(required_parameter pattern: (_) @name) @definition.parameter
(optional_parameter pattern: (_) @name) @definition.parameter
(arrow_function parameter: (identifier) @name) @definition.parameter
(for_in_statement left: (_) @name) @definition.parameter
(catch_clause parameter: (_) @name) @definition.parameter

;; References

(call_expression function: (_) @name) @reference.call
(new_expression constructor: (_) @name) @reference.call
(class_heritage) @reference.base
(interface_declaration (extends_type_clause) @reference.base)
(type_identifier) @name @reference.type
(nested_type_identifier) @name @reference.type

;; Imports and exports

(import_statement source: (_) @module) @reference.import
(import_statement (import_require_clause source: (_) @module)) @reference.import
(export_statement source: (_) @module) @reference.reexport
(export_statement (export_clause) @name) @reference.export
(assignment_expression left: (member_expression) @name right: (_) @value) @reference.assign

;; Scopes: every function, method, static block and the program (the adapter's `_Functions`: the
;; names a call's receiver may be bound in).
[(function_declaration) (generator_function_declaration) (function_expression) (generator_function)
 (method_definition) (arrow_function) (class_static_block) (program)] @scope
