;; Tags query for Java.
;;
;; Roles follow tree-sitter's tags vocabulary (docs/src/4-code-navigation.md in
;; tree-sitter/tree-sitter): the whole entity is `@definition.<kind>` or
;; `@reference.<kind>`, its identifier `@name`. The class, interface and method
;; patterns are adapted from `queries/tags.scm` of tree-sitter/tree-sitter-java (MIT
;; licence). Beyond the standard kinds: `@definition.package`, `@definition.field`,
;; `@definition.constructor`, `@definition.enum_member`, `@definition.variable` (locals
;; and parameters, with the declared type as `@value`), `@reference.import` with
;; `@module` / `@wildcard`, `@reference.call` with `@receiver`, `@reference.new`
;; (`new T(…)`), `@reference.base` (extends), `@reference.implements` and
;; `@reference.type`.

;; Definitions

(package_declaration [(identifier) (scoped_identifier)] @name) @definition.package

(class_declaration name: (identifier) @name) @definition.class
(record_declaration name: (identifier) @name) @definition.class
(interface_declaration name: (identifier) @name) @definition.interface
(annotation_type_declaration name: (identifier) @name) @definition.interface
(enum_declaration name: (identifier) @name) @definition.enum

(method_declaration name: (identifier) @name) @definition.method
(annotation_type_element_declaration name: (identifier) @name) @definition.method
(constructor_declaration name: (identifier) @name) @definition.constructor
(compact_constructor_declaration name: (identifier) @name) @definition.constructor

(field_declaration declarator: (variable_declarator name: (identifier) @name)) @definition.field
(constant_declaration declarator: (variable_declarator name: (identifier) @name)) @definition.field
(enum_constant name: (identifier) @name) @definition.enum_member

(local_variable_declaration
  type: (_) @value
  declarator: (variable_declarator name: (identifier) @name)) @definition.variable
(formal_parameter type: (_) @value name: (identifier) @name) @definition.variable
(spread_parameter (_) @value (variable_declarator name: (identifier) @name)) @definition.variable
(enhanced_for_statement type: (_) @value name: (identifier) @name) @definition.variable
(catch_formal_parameter (catch_type . (_) @value .) name: (identifier) @name) @definition.variable
(resource type: (_) @value name: (identifier) @name) @definition.variable
(type_pattern (_) @value (identifier) @name) @definition.variable
(lambda_expression parameters: (identifier) @name) @definition.variable
(inferred_parameters (identifier) @name) @definition.variable

;; Javadoc candidates and type parameters.
(block_comment) @doc
(type_parameter (type_identifier) @name) @definition.type_parameter

;; References

(method_invocation name: (identifier) @name) @reference.call
(method_invocation object: (_) @receiver name: (identifier) @name) @reference.call
(explicit_constructor_invocation constructor: (_) @name) @reference.call
(object_creation_expression type: (_) @name) @reference.new

(superclass (_) @name) @reference.base
(super_interfaces (type_list (_) @name)) @reference.implements
(extends_interfaces (type_list (_) @name)) @reference.base

(type_identifier) @name @reference.type
(scoped_type_identifier) @name @reference.type

;; Imports

(import_declaration [(identifier) (scoped_identifier)] @module) @reference.import
(import_declaration [(identifier) (scoped_identifier)] @module (asterisk) @wildcard) @reference.import
