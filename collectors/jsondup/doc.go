// Package jsondup finds a key that appears twice in one JSON object. JSON
// leaves the meaning of duplicate keys undefined and parsers differ (the
// first wins in one, the last in another; Go's encoding/json takes the
// last), so trailgate refuses them where the reading decides access
// (policy documents) and warns about them elsewhere.
package jsondup
