// The TESTS, IMPORTS and IMPLEMENTED_BY edges that end in or leave a project's files and symbols.
// Parameters: $id (project id). Columns: type, src, dst.
MATCH (p:Project {id: $id})-[:HAS_REPO]->(r:Repo)-[:CONTAINS]->(f:File)
MATCH (f)-[e:IMPORTS]->(t)
RETURN 'IMPORTS' AS type, f.id AS src, t.id AS dst
UNION ALL
MATCH (p:Project {id: $id})-[:HAS_REPO]->(r:Repo)
MATCH (s:Symbol)-[e:TESTS]->(t:Symbol) WHERE t.id STARTS WITH ('sym:' + r.id + ':')
RETURN 'TESTS' AS type, s.id AS src, t.id AS dst
UNION ALL
MATCH (p:Project {id: $id})-[:HAS_REPO]->(r:Repo)-[:CONTAINS]->(f:File)-[:DECLARES]->(x)
OPTIONAL MATCH (x)-[:IMPLEMENTED_BY]->(t)
RETURN 'IMPLEMENTED_BY' AS type, x.id AS src, t.id AS dst
