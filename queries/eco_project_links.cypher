// The project links out of and into one project. Parameters: $id.
// Columns: src, dst, linkType, package.
MATCH (a:Project)-[e:PROJECT_LINK]->(b:Project)
WHERE a.id = $id OR b.id = $id
RETURN a.id AS src, b.id AS dst, e.type AS linkType, e.package AS package
ORDER BY src, dst, package
