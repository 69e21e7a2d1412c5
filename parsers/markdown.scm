;; Markdown: the block grammar of tree-sitter-markdown (tree-sitter-language-pack `markdown`).
;; Headings and checklist items are what spec items are made of; the adapter
;; (parsers/markdown.py) nests headings by level and reads statuses and mentions.

;; Definitions

(atx_heading heading_content: (inline) @name) @definition.heading

(setext_heading heading_content: (paragraph (inline) @name)) @definition.heading

(list_item (task_list_marker_unchecked) (paragraph (inline) @name)) @definition.checklist

(list_item (task_list_marker_checked) (paragraph (inline) @name)) @definition.checklist

;; References

(paragraph (inline) @name) @reference.text
