// Symbols per project, and the public ones (exported functions, methods, classes: the population of
// untested_symbols.cypher). A symbol id starts `sym:repo:<project>/` (graphsvc/model.py), so its
// scope is cut in the database. Parameters: none. Columns: scope (`sym:repo:<project>`), symbols, public.
MATCH (s:Symbol)
RETURN split_part(s.id, '/', 1) AS scope, count(*) AS symbols,
       sum(CASE WHEN s.exported = true AND s.kind IN ['Function', 'Method', 'Class', 'Constructor', 'Interface', 'Struct', 'Trait'] THEN 1 ELSE 0 END) AS public
