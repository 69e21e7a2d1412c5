// External modules and names by id; unknown ids give no row.
// Parameters: $ids (list of external ids). Columns: id, name, module, lang.
UNWIND $ids AS id
MATCH (e:External {id: id})
RETURN e.id AS id, e.name AS name, e.module AS module, e.lang AS lang
