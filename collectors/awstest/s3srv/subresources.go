package s3srv

import (
	"encoding/xml"
	"net/http"

	"github.com/trailgate/trailgate/collectors/awstest"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

// subresource answers the bucket sub-resource GETs gofakes3 lacks, from the
// snapshot, in S3's XML shapes
// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_Operations_Amazon_Simple_Storage_Service.html).
// It reports whether it answered.
func (s *Server) subresource(rw http.ResponseWriter, r *http.Request, op string, b *snapshot.Bucket, owner string) bool {
	notFound := func(code, msg string) {
		awstest.WriteRESTXMLError(rw, "/"+b.Name, awstest.Errorf(404, code, "%s", msg))
	}
	switch op {
	case "GetBucketPolicy":
		if b.Policy == nil || len(b.Policy.Document) == 0 {
			notFound("NoSuchBucketPolicy", "The bucket policy does not exist")
			return true
		}
		// The policy is the response body itself, as JSON.
		rw.Header().Set("Content-Type", "application/json")
		rw.WriteHeader(http.StatusOK)
		_, _ = rw.Write(b.Policy.Document)
	case "GetBucketOwnershipControls":
		if b.ObjectOwnership == "" {
			notFound("OwnershipControlsNotFoundError", "The bucket ownership controls were not found")
			return true
		}
		writeXML(rw, struct {
			XMLName   xml.Name `xml:"OwnershipControls"`
			Xmlns     string   `xml:"xmlns,attr"`
			Ownership string   `xml:"Rule>ObjectOwnership"`
		}{Xmlns: xmlns, Ownership: b.ObjectOwnership})
	case "GetBucketEncryption":
		if b.Encryption == nil {
			notFound("ServerSideEncryptionConfigurationNotFoundError", "The server side encryption configuration was not found")
			return true
		}
		type byDefault struct {
			SSEAlgorithm   string
			KMSMasterKeyID string `xml:"KMSMasterKeyID,omitempty"`
		}
		writeXML(rw, struct {
			XMLName xml.Name `xml:"ServerSideEncryptionConfiguration"`
			Xmlns   string   `xml:"xmlns,attr"`
			Rule    struct {
				ApplyServerSideEncryptionByDefault byDefault
				BucketKeyEnabled                   bool
			}
		}{Xmlns: xmlns, Rule: struct {
			ApplyServerSideEncryptionByDefault byDefault
			BucketKeyEnabled                   bool
		}{byDefault{b.Encryption.SSEAlgorithm, b.Encryption.KMSMasterKeyID}, b.Encryption.BucketKeyEnabled}})
	case "GetBucketNotificationConfiguration":
		writeXML(rw, notificationXML(b.Notification))
	case "GetBucketLocation":
		// us-east-1 is the empty LocationConstraint
		// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketLocation.html).
		loc := b.Region
		if loc == "us-east-1" {
			loc = ""
		}
		writeXML(rw, struct {
			XMLName xml.Name `xml:"LocationConstraint"`
			Xmlns   string   `xml:"xmlns,attr"`
			Value   string   `xml:",chardata"`
		}{Xmlns: xmlns, Value: loc})
	case "GetBucketAcl":
		writeXML(rw, aclXML(b, owner))
	case "GetBucketRequestPayment":
		payer := b.RequestPayer
		if payer == "" {
			payer = snapshot.DefaultRequestPayer
		}
		writeXML(rw, struct {
			XMLName xml.Name `xml:"RequestPaymentConfiguration"`
			Xmlns   string   `xml:"xmlns,attr"`
			Payer   string
		}{Xmlns: xmlns, Payer: payer})
	case "GetBucketLifecycleConfiguration":
		if len(b.Lifecycle) == 0 {
			notFound("NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist")
			return true
		}
		type rule struct {
			ID         string `xml:",omitempty"`
			Prefix     string `xml:"Filter>Prefix"`
			Status     string
			Expiration *struct{ Days int } `xml:",omitempty"`
		}
		doc := struct {
			XMLName xml.Name `xml:"LifecycleConfiguration"`
			Xmlns   string   `xml:"xmlns,attr"`
			Rules   []rule   `xml:"Rule"`
		}{Xmlns: xmlns}
		for _, l := range b.Lifecycle {
			ru := rule{ID: l.ID, Prefix: l.Prefix, Status: l.Status}
			if l.ExpirationDays > 0 {
				ru.Expiration = &struct{ Days int }{l.ExpirationDays}
			}
			doc.Rules = append(doc.Rules, ru)
		}
		writeXML(rw, doc)
	case "GetObjectLockConfiguration":
		if !b.ObjectLockEnabled {
			notFound("ObjectLockConfigurationNotFoundError", "Object Lock configuration does not exist for this bucket")
			return true
		}
		writeXML(rw, struct {
			XMLName xml.Name `xml:"ObjectLockConfiguration"`
			Xmlns   string   `xml:"xmlns,attr"`
			Enabled string   `xml:"ObjectLockEnabled"`
		}{Xmlns: xmlns, Enabled: "Enabled"})
	default:
		return s.posture(rw, op, b, notFound)
	}
	return true
}

type filterRule struct {
	Name  string
	Value string
}

type targetXML struct {
	ID            string       `xml:"Id,omitempty"`
	Topic         string       `xml:",omitempty"`
	Queue         string       `xml:",omitempty"`
	CloudFunction string       `xml:",omitempty"`
	Events        []string     `xml:"Event"`
	Filter        []filterRule `xml:"Filter>S3Key>FilterRule,omitempty"`
}

func notificationXML(n *snapshot.NotificationConfiguration) any {
	doc := struct {
		XMLName     xml.Name    `xml:"NotificationConfiguration"`
		Xmlns       string      `xml:"xmlns,attr"`
		Topics      []targetXML `xml:"TopicConfiguration"`
		Queues      []targetXML `xml:"QueueConfiguration"`
		Lambdas     []targetXML `xml:"CloudFunctionConfiguration"`
		EventBridge *struct{}   `xml:"EventBridgeConfiguration,omitempty"`
	}{Xmlns: xmlns}
	if n == nil {
		return doc
	}
	conv := func(t snapshot.NotificationTarget) targetXML {
		x := targetXML{ID: t.ID, Events: t.Events}
		if t.FilterPrefix != "" {
			x.Filter = append(x.Filter, filterRule{"prefix", t.FilterPrefix})
		}
		if t.FilterSuffix != "" {
			x.Filter = append(x.Filter, filterRule{"suffix", t.FilterSuffix})
		}
		return x
	}
	for _, t := range n.TopicConfigurations {
		x := conv(t)
		x.Topic = t.ARN
		doc.Topics = append(doc.Topics, x)
	}
	for _, t := range n.QueueConfigurations {
		x := conv(t)
		x.Queue = t.ARN
		doc.Queues = append(doc.Queues, x)
	}
	for _, t := range n.LambdaConfigurations {
		x := conv(t)
		x.CloudFunction = t.ARN
		doc.Lambdas = append(doc.Lambdas, x)
	}
	if n.EventBridgeEnabled {
		doc.EventBridge = &struct{}{}
	}
	return doc
}

const xsi = "http://www.w3.org/2001/XMLSchema-instance"

type granteeXML struct {
	XMLNS string `xml:"xmlns:xsi,attr"`
	Type  string `xml:"xsi:type,attr"`
	ID    string `xml:",omitempty"`
	URI   string `xml:",omitempty"`
	Email string `xml:"EmailAddress,omitempty"`
}

type grantXML struct {
	Grantee    granteeXML
	Permission string
}

// aclXML renders the bucket ACL; a bucket without one in the snapshot has
// S3's default: the owner with FULL_CONTROL.
func aclXML(b *snapshot.Bucket, owner string) any {
	doc := struct {
		XMLName xml.Name   `xml:"AccessControlPolicy"`
		Xmlns   string     `xml:"xmlns,attr"`
		OwnerID string     `xml:"Owner>ID"`
		Grants  []grantXML `xml:"AccessControlList>Grant"`
	}{Xmlns: xmlns, OwnerID: canonicalID(owner)}
	if b.ACL == nil {
		doc.Grants = []grantXML{{granteeXML{xsi, "CanonicalUser", doc.OwnerID, "", ""}, "FULL_CONTROL"}}
		return doc
	}
	if b.ACL.OwnerID != "" {
		doc.OwnerID = b.ACL.OwnerID
	}
	for _, g := range b.ACL.Grants {
		ge := granteeXML{XMLNS: xsi, Type: g.GranteeType}
		switch g.GranteeType {
		case "Group":
			ge.URI = g.GranteeURI
		case "AmazonCustomerByEmail":
			ge.Email = g.GranteeID
		default:
			ge.ID = g.GranteeID
		}
		doc.Grants = append(doc.Grants, grantXML{ge, g.Permission})
	}
	return doc
}
