;; Tags query for Rust.
;;
;; Roles follow tree-sitter's tags vocabulary (docs/src/4-code-navigation.md in
;; tree-sitter/tree-sitter): the whole entity is `@definition.<kind>` or
;; `@reference.<kind>`, its identifier `@name`. The struct, enum, trait, module and
;; function patterns are adapted from `queries/tags.scm` of tree-sitter/tree-sitter-rust
;; (MIT licence). Beyond the standard kinds: `@definition.impl` (an impl block, its
;; self type as `@value`, its trait as `@receiver`), `@definition.field`,
;; `@definition.enum_member`, `@definition.constant`, `@definition.static`,
;; `@definition.variable` (let bindings and parameters, the declared type or the
;; initialiser as `@value`), `@reference.import` (a `use` declaration, flattened by the
;; adapter; `mod name;` as `@module`), `@reference.call` with `@receiver`, and
;; `@reference.type`.

;; Definitions

(mod_item name: (identifier) @name body: (declaration_list)) @definition.module
(struct_item name: (type_identifier) @name) @definition.struct
(union_item name: (type_identifier) @name) @definition.struct
(enum_item name: (type_identifier) @name) @definition.enum
(trait_item name: (type_identifier) @name) @definition.trait
(type_item name: (type_identifier) @name) @definition.type_alias
(function_item name: (identifier) @name) @definition.function
(function_signature_item name: (identifier) @name) @definition.function
(const_item name: (identifier) @name) @definition.constant
(static_item name: (identifier) @name) @definition.static
(macro_definition name: (identifier) @name) @definition.macro
(field_declaration name: (field_identifier) @name) @definition.field
(enum_variant name: (identifier) @name) @definition.enum_member

(type_parameters (type_parameter name: (type_identifier) @name)) @definition.type_parameter

(impl_item type: (_) @value) @definition.impl
(impl_item trait: (_) @receiver type: (_) @value) @definition.impl

(let_declaration pattern: (identifier) @name) @definition.variable
(let_declaration pattern: (identifier) @name type: (_) @value) @definition.variable
(let_declaration pattern: (identifier) @name value: (_) @value) @definition.variable
(let_declaration pattern: (_ (identifier) @name)) @definition.variable
(parameter pattern: (identifier) @name type: (_) @value) @definition.variable
(parameter pattern: (_ (identifier) @name)) @definition.variable
(closure_parameters (identifier) @name) @definition.variable
(closure_parameters (parameter pattern: (identifier) @name)) @definition.variable
(for_expression pattern: (identifier) @name) @definition.variable
(for_expression pattern: (_ (identifier) @name)) @definition.variable
(let_condition pattern: (_ (identifier) @name)) @definition.variable
(match_pattern (identifier) @name) @definition.variable
(match_pattern (_ (identifier) @name)) @definition.variable

;; References

(call_expression function: (identifier) @name) @reference.call
(call_expression function: (scoped_identifier name: (identifier) @name) @receiver) @reference.call
(call_expression function: (field_expression value: (_) @receiver field: (field_identifier) @name)) @reference.call
(call_expression function: (generic_function function: (identifier) @name)) @reference.call
(call_expression
  function: (generic_function function: (scoped_identifier name: (identifier) @name) @receiver)) @reference.call
(call_expression
  function: (generic_function function: (field_expression value: (_) @receiver field: (field_identifier) @name))) @reference.call

(type_identifier) @name @reference.type
(scoped_type_identifier) @name @reference.type
(struct_expression name: (_) @name) @reference.type

;; Imports

(use_declaration argument: (_) @module) @reference.import
(mod_item name: (identifier) @module !body) @reference.import
