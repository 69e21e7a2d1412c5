// The symbols of a repo (by id prefix, see project_repos.cypher) with the most dependency
// edges into them. Parameters: $prefix (`sym:<repo-id>:`), $limit. Columns: id, dependents.
MATCH (s:Symbol) WHERE s.id STARTS WITH $prefix
MATCH (a)-[e:CALLS|USES|EXTENDS|IMPLEMENTS|IMPORTS]->(s)
RETURN s.id AS id, count(e) AS dependents
ORDER BY dependents DESC, id LIMIT $limit
