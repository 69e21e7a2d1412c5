// Public symbols (as in insight_symbols.cypher) that a test covers (an incoming TESTS edge), per project.
// Parameters: none. Columns: scope (`sym:repo:<project>`), tested.
MATCH (:Symbol)-[:TESTS]->(s:Symbol)
WHERE s.exported = true AND s.kind IN ['Function', 'Method', 'Class', 'Constructor', 'Interface', 'Struct', 'Trait']
RETURN split_part(s.id, '/', 1) AS scope, count(DISTINCT s.id) AS tested
