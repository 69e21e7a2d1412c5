;; Tags query for Go.
;;
;; Roles follow tree-sitter's tags vocabulary (docs/src/4-code-navigation.md in
;; tree-sitter/tree-sitter): the whole entity is `@definition.<kind>` or
;; `@reference.<kind>`, its identifier `@name`. The function, method, type and call
;; patterns are adapted from `queries/tags.scm` of tree-sitter/tree-sitter-go (MIT
;; licence). Beyond the standard kinds: `@definition.package`, `@definition.field`,
;; `@definition.constant` / `@definition.variable` (the adapter keeps the package-level
;; ones as symbols and the others as locals), `@definition.local` (`x := …`, range and
;; type-switch variables), `@definition.parameter` (parameters, receivers and type
;; parameters), `@reference.import` with `@module` / `@alias`, `@reference.call` with
;; `@receiver`, `@reference.type` (with `@receiver` for `pkg.Type`) and `@reference.base`
;; (embedded fields and embedded interfaces).

;; Definitions

(package_clause (package_identifier) @name) @definition.package

(function_declaration name: (identifier) @name) @definition.function

(method_declaration name: (field_identifier) @name) @definition.method

(type_spec name: (type_identifier) @name) @definition.type

(type_alias name: (type_identifier) @name) @definition.type

(field_declaration name: (field_identifier) @name) @definition.field

(method_elem name: (field_identifier) @name) @definition.method

(const_spec name: (identifier) @name) @definition.constant

(var_spec name: (identifier) @name) @definition.variable

(short_var_declaration left: (expression_list (identifier) @name)) @definition.local

(range_clause left: (expression_list (identifier) @name)) @definition.local

(type_switch_statement alias: (expression_list (identifier) @name)) @definition.local

(receive_statement left: (expression_list (identifier) @name)) @definition.local

(parameter_declaration name: (identifier) @name) @definition.parameter

(variadic_parameter_declaration name: (identifier) @name) @definition.parameter

(type_parameter_declaration name: (identifier) @name) @definition.parameter

;; References

(call_expression function: (identifier) @name) @reference.call

(call_expression
  function: (selector_expression operand: (_) @receiver field: (field_identifier) @name)) @reference.call

(call_expression function: (index_expression operand: (identifier) @name)) @reference.call

(call_expression
  function: (index_expression
    operand: (selector_expression operand: (_) @receiver field: (field_identifier) @name))) @reference.call

(type_conversion_expression type: (generic_type type: (type_identifier) @name)) @reference.call

(type_conversion_expression
  type: (generic_type type: (qualified_type package: (package_identifier) @receiver name: (type_identifier) @name))) @reference.call

(type_identifier) @name @reference.type

(qualified_type package: (package_identifier) @receiver name: (type_identifier) @name) @reference.type

(field_declaration !name type: (_) @name) @reference.base

(interface_type (type_elem . (_) @name .) @reference.base)

;; Imports

(import_spec name: (_)? @alias path: (_) @module) @reference.import
