// Dependency edges out of a repo's symbols and files, by type and resolution (by id prefix).
// Parameters: $symbols (`sym:<repo-id>:`), $files (`file:<repo-id>:`). Columns: type, resolution, count.
MATCH (a)-[e:CALLS|USES|EXTENDS|IMPLEMENTS|IMPORTS]->()
WHERE a.id STARTS WITH $symbols OR a.id STARTS WITH $files
RETURN label(e) AS type, e.resolution AS resolution, count(e) AS count
ORDER BY type, resolution
