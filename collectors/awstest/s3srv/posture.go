package s3srv

import (
	"encoding/xml"
	"net/http"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// posture answers GetPublicAccessBlock and GetBucketVersioning from the
// snapshot; it reports whether it answered. A bucket without a public
// access block answers NoSuchPublicAccessBlockConfiguration, and one never
// versioned an empty VersioningConfiguration, as S3 does
// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetPublicAccessBlock.html,
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketVersioning.html).
func (s *Server) posture(rw http.ResponseWriter, op string, b *snapshot.Bucket, notFound func(code, msg string)) bool {
	switch op {
	case "GetPublicAccessBlock":
		p := b.PublicAccessBlock
		if p == nil {
			notFound("NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found")
			return true
		}
		writeXML(rw, struct {
			XMLName               xml.Name `xml:"PublicAccessBlockConfiguration"`
			Xmlns                 string   `xml:"xmlns,attr"`
			BlockPublicAcls       bool
			IgnorePublicAcls      bool
			BlockPublicPolicy     bool
			RestrictPublicBuckets bool
		}{Xmlns: xmlns, BlockPublicAcls: p.BlockPublicAcls, IgnorePublicAcls: p.IgnorePublicAcls,
			BlockPublicPolicy: p.BlockPublicPolicy, RestrictPublicBuckets: p.RestrictPublicBuckets})
	case "GetBucketVersioning":
		writeXML(rw, struct {
			XMLName xml.Name `xml:"VersioningConfiguration"`
			Xmlns   string   `xml:"xmlns,attr"`
			Status  string   `xml:",omitempty"`
		}{Xmlns: xmlns, Status: b.Versioning})
	default:
		return false
	}
	return true
}
