// The services to probe: every service with a health URL.
// Parameters: none. Columns: id, healthUrl.
MATCH (s:Service) WHERE s.healthUrl <> ''
RETURN s.id AS id, s.healthUrl AS healthUrl
ORDER BY id
