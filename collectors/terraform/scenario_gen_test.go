package terraform

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// planWriter writes the fixture scenarios' plan.json: a `terraform show
// -json` plan (format 1.2) declaring, as resources already in state
// (no-op), everything a snapshot describes that Terraform can manage. One
// provider configuration per account and region, each with the
// aws_caller_identity data source a real configuration reads, so that the
// plan says which account every resource lives in.
type planWriter struct {
	resources []planResource
	providers map[string]any
	used      map[string]bool
}

type planResource struct {
	mode, typ, name, provider string
	values                    map[string]any
	// action is the planned action; no-op when empty.
	action string
}

func planFromSnapshot(s *snapshot.Snapshot) ([]byte, error) {
	w := &planWriter{providers: map[string]any{}, used: map[string]bool{}}
	for _, a := range s.Accounts {
		w.account(a)
	}
	if o := s.Organization; o != nil {
		// Organizations is a global service reached through the
		// partition's home region; the provider's region decides the
		// partition of the ARNs the plan implies.
		region := map[string]string{"aws-us-gov": "us-gov-west-1", "aws-cn": "cn-northwest-1"}[s.Partition]
		if region == "" {
			region = "us-east-1"
		}
		w.organization(o, region)
	}
	return w.render()
}

var identRe = regexp.MustCompile(`[^A-Za-z0-9_]+`)

func (w *planWriter) name(base string) string {
	n := strings.ToLower(strings.Trim(identRe.ReplaceAllString(base, "_"), "_"))
	if n == "" || n[0] >= '0' && n[0] <= '9' {
		n = "r_" + n
	}
	out := n
	for i := 2; w.used[out]; i++ {
		out = fmt.Sprintf("%s_%d", n, i)
	}
	w.used[out] = true
	return out
}

func (w *planWriter) provider(account, region string) string {
	alias := "a" + account + "_" + strings.ReplaceAll(region, "-", "_")
	key := "aws." + alias
	if _, ok := w.providers[key]; !ok {
		w.providers[key] = map[string]any{"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws", "alias": alias,
			"expressions": map[string]any{"region": map[string]any{"constant_value": region},
				"assume_role": []any{map[string]any{"role_arn": map[string]any{"constant_value": "arn:aws:iam::" + account + ":role/terraform"}}}}}
		w.resources = append(w.resources, planResource{mode: "data", typ: "aws_caller_identity", name: alias, provider: key, values: map[string]any{
			"account_id": account, "arn": "arn:aws:sts::" + account + ":assumed-role/terraform/ci", "id": account, "user_id": "AROAEXAMPLE:ci"}})
	}
	return key
}

func (w *planWriter) add(typ, name, provider string, values map[string]any) {
	w.resources = append(w.resources, planResource{mode: "managed", typ: typ, name: name, provider: provider, values: values})
}

func docString(p *snapshot.Policy) string {
	if p == nil {
		return ""
	}
	var buf bytes.Buffer
	_ = json.Compact(&buf, p.Document)
	return buf.String()
}

func strsOrEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func (w *planWriter) account(a snapshot.Account) {
	acct := a.ID
	home := "us-east-1"
	if len(a.Regions) > 0 {
		home = a.Regions[0]
	}
	for _, b := range a.Buckets {
		pk, n := w.provider(acct, b.Region), w.name(b.Name)
		w.add("aws_s3_bucket", n, pk, map[string]any{"bucket": b.Name, "arn": b.ARN, "id": b.Name, "region": b.Region, "force_destroy": false,
			"object_lock_enabled": b.ObjectLockEnabled, "policy": nil, "acl": nil, "request_payer": nil,
			"server_side_encryption_configuration": []any{}, "lifecycle_rule": []any{}, "grant": []any{}, "tags": nil, "tags_all": map[string]any{}})
		if b.Policy != nil {
			w.add("aws_s3_bucket_policy", n, pk, map[string]any{"bucket": b.Name, "id": b.Name, "policy": docString(b.Policy)})
		}
		if b.ObjectOwnership != "" {
			w.add("aws_s3_bucket_ownership_controls", n, pk, map[string]any{"bucket": b.Name, "id": b.Name,
				"rule": []any{map[string]any{"object_ownership": b.ObjectOwnership}}})
		}
		if e := b.Encryption; e != nil {
			w.add("aws_s3_bucket_server_side_encryption_configuration", n, pk, map[string]any{"bucket": b.Name, "id": b.Name, "expected_bucket_owner": "",
				"rule": []any{map[string]any{"bucket_key_enabled": e.BucketKeyEnabled, "apply_server_side_encryption_by_default": []any{
					map[string]any{"sse_algorithm": e.SSEAlgorithm, "kms_master_key_id": e.KMSMasterKeyID}}}}})
		}
		if nt := b.Notification; nt != nil {
			targets := func(l []snapshot.NotificationTarget, key string) []any {
				out := []any{}
				for _, t := range l {
					out = append(out, map[string]any{"id": t.ID, key: t.ARN, "events": t.Events, "filter_prefix": t.FilterPrefix, "filter_suffix": t.FilterSuffix})
				}
				return out
			}
			w.add("aws_s3_bucket_notification", n, pk, map[string]any{"bucket": b.Name, "id": b.Name, "eventbridge": nt.EventBridgeEnabled,
				"topic": targets(nt.TopicConfigurations, "topic_arn"), "queue": targets(nt.QueueConfigurations, "queue_arn"),
				"lambda_function": targets(nt.LambdaConfigurations, "lambda_function_arn")})
		}
		if b.RequestPayer != "" {
			w.add("aws_s3_bucket_request_payment_configuration", n, pk, map[string]any{"bucket": b.Name, "id": b.Name, "expected_bucket_owner": "", "payer": b.RequestPayer})
		}
		if len(b.Lifecycle) > 0 {
			rules := []any{}
			for _, r := range b.Lifecycle {
				exp := []any{}
				if r.ExpirationDays > 0 {
					exp = append(exp, map[string]any{"days": r.ExpirationDays, "date": nil, "expired_object_delete_marker": false})
				}
				rules = append(rules, map[string]any{"id": r.ID, "status": r.Status, "prefix": "", "expiration": exp,
					"filter":                        []any{map[string]any{"prefix": r.Prefix, "and": []any{}, "tag": []any{}, "object_size_greater_than": nil, "object_size_less_than": nil}},
					"noncurrent_version_expiration": []any{}, "transition": []any{}, "abort_incomplete_multipart_upload": []any{}})
			}
			w.add("aws_s3_bucket_lifecycle_configuration", n, pk, map[string]any{"bucket": b.Name, "id": b.Name, "expected_bucket_owner": "", "rule": rules})
		}
	}
	for _, k := range a.Keys {
		if k.KeyManager == "AWS" {
			continue // AWS managed keys are not Terraform resources
		}
		pk := w.provider(acct, k.Region)
		base := k.KeyID
		if len(k.Aliases) > 0 {
			base = strings.TrimPrefix(k.Aliases[0], "alias/")
		}
		w.add("aws_kms_key", w.name("key_"+base), pk, map[string]any{"arn": k.ARN, "key_id": k.KeyID, "id": k.KeyID, "policy": docString(k.Policy),
			"is_enabled": k.KeyState == "Enabled", "description": "", "key_usage": "ENCRYPT_DECRYPT", "customer_master_key_spec": "SYMMETRIC_DEFAULT",
			"enable_key_rotation": true, "multi_region": false, "deletion_window_in_days": nil, "tags": nil, "tags_all": map[string]any{}})
		if k.KeyState == "PendingDeletion" {
			// Destroying an aws_kms_key schedules its deletion.
			w.resources[len(w.resources)-1].action = "delete"
		}
		for _, al := range k.Aliases {
			w.add("aws_kms_alias", w.name(strings.Replace(al, "alias/", "alias_", 1)), pk, map[string]any{"name": al, "id": al,
				"arn": "arn:aws:kms:" + k.Region + ":" + acct + ":" + al, "target_key_id": k.KeyID, "target_key_arn": k.ARN, "name_prefix": ""})
		}
	}
	for _, t := range a.Topics {
		pk, n := w.provider(acct, t.Region), w.name(t.Name)
		w.add("aws_sns_topic", n, pk, map[string]any{"name": t.Name, "arn": t.ARN, "id": t.ARN, "policy": docString(t.Policy), "owner": acct,
			"kms_master_key_id": t.KmsMasterKeyID, "fifo_topic": t.FifoTopic, "tags": nil, "tags_all": map[string]any{}})
		for i, s := range t.Subscriptions {
			owner := s.Owner
			if owner == "" {
				owner = acct
			}
			filter := ""
			if len(s.FilterPolicy) > 0 {
				filter = string(s.FilterPolicy)
			}
			w.add("aws_sns_topic_subscription", w.name(fmt.Sprintf("%s_sub_%d", t.Name, i)), pk, map[string]any{"arn": s.ARN, "id": s.ARN, "topic_arn": t.ARN,
				"protocol": s.Protocol, "endpoint": s.Endpoint, "raw_message_delivery": s.RawMessageDelivery, "pending_confirmation": s.PendingConfirmation,
				"owner_id": owner, "filter_policy": filter, "filter_policy_scope": s.FilterPolicyScope,
				"confirmation_timeout_in_minutes": 1, "endpoint_auto_confirms": false})
		}
	}
	for _, q := range a.Queues {
		pk := w.provider(acct, q.Region)
		redrive := ""
		if rp := q.RedrivePolicy; rp != nil {
			redrive = fmt.Sprintf(`{"deadLetterTargetArn":%q,"maxReceiveCount":%d}`, rp.DeadLetterTargetARN, rp.MaxReceiveCount)
		}
		w.add("aws_sqs_queue", w.name(q.Name), pk, map[string]any{"name": q.Name, "arn": q.ARN, "id": q.URL, "url": q.URL, "policy": docString(q.Policy),
			"kms_master_key_id": q.KmsMasterKeyID, "sqs_managed_sse_enabled": q.SqsManagedSseEnabled, "fifo_queue": q.FifoQueue,
			"visibility_timeout_seconds": q.VisibilityTimeout, "message_retention_seconds": q.MessageRetentionPeriod, "delay_seconds": q.DelaySeconds,
			"max_message_size": q.MaximumMessageSize, "receive_wait_time_seconds": q.ReceiveWaitTimeSeconds, "redrive_policy": redrive,
			"tags": nil, "tags_all": map[string]any{}})
	}
	for _, p := range a.ManagedPolicies {
		if p.AWSManaged {
			continue
		}
		rest := p.ARN[strings.Index(p.ARN, ":policy/")+len(":policy/"):]
		path := "/"
		if i := strings.LastIndexByte(rest, '/'); i >= 0 {
			path = "/" + rest[:i+1]
		}
		name := p.Name
		if name == "" {
			name = rest[strings.LastIndexByte(rest, '/')+1:]
		}
		w.add("aws_iam_policy", w.name(name), w.provider(acct, home), map[string]any{"arn": p.ARN, "id": p.ARN, "name": name, "path": path,
			"policy": docString(&p.Policy), "description": "", "tags": nil, "tags_all": map[string]any{}})
	}
	for _, r := range a.Roles {
		pk, n := w.provider(acct, home), w.name(r.Name)
		inline := []any{}
		for _, ip := range r.InlinePolicies {
			inline = append(inline, map[string]any{"name": ip.Name, "policy": docString(&ip.Policy)})
		}
		w.add("aws_iam_role", n, pk, map[string]any{"name": r.Name, "arn": r.ARN, "id": r.Name, "path": r.Path, "unique_id": r.RoleID,
			"assume_role_policy": docString(r.TrustPolicy), "permissions_boundary": r.PermissionsBoundaryARN, "inline_policy": inline,
			"managed_policy_arns": strsOrEmpty(r.AttachedPolicyARNs), "tags": r.Tags, "tags_all": r.Tags,
			"max_session_duration": 3600, "force_detach_policies": false, "description": ""})
		for _, ip := range r.InlinePolicies {
			w.add("aws_iam_role_policy", w.name(r.Name+"_"+ip.Name), pk, map[string]any{"id": r.Name + ":" + ip.Name, "role": r.Name,
				"name": ip.Name, "policy": docString(&ip.Policy)})
		}
		for _, arn := range r.AttachedPolicyARNs {
			short := arn[strings.LastIndexByte(arn, '/')+1:]
			w.add("aws_iam_role_policy_attachment", w.name(r.Name+"_"+short), pk, map[string]any{"id": r.Name + "-" + short, "role": r.Name, "policy_arn": arn})
		}
	}
	for _, t := range a.Trails {
		selectors := []any{}
		for _, e := range t.EventSelectors {
			drs := []any{}
			for _, d := range e.DataResources {
				drs = append(drs, map[string]any{"type": d.Type, "values": strsOrEmpty(d.Values)})
			}
			selectors = append(selectors, map[string]any{"read_write_type": e.ReadWriteType, "include_management_events": e.IncludeManagementEvents,
				"exclude_management_event_sources": strsOrEmpty(e.ExcludeManagementEventSources), "data_resource": drs})
		}
		advanced := []any{}
		for _, e := range t.AdvancedEventSelectors {
			fs := []any{}
			for _, f := range e.FieldSelectors {
				fs = append(fs, map[string]any{"field": f.Field, "equals": strsOrEmpty(f.Equals), "not_equals": strsOrEmpty(f.NotEquals),
					"starts_with": strsOrEmpty(f.StartsWith), "not_starts_with": strsOrEmpty(f.NotStartsWith),
					"ends_with": strsOrEmpty(f.EndsWith), "not_ends_with": strsOrEmpty(f.NotEndsWith)})
			}
			advanced = append(advanced, map[string]any{"name": e.Name, "field_selector": fs})
		}
		logging := true
		if t.Status != nil {
			logging = t.Status.IsLogging
		}
		w.add("aws_cloudtrail", w.name(t.Name), w.provider(acct, t.HomeRegion), map[string]any{"name": t.Name, "arn": t.ARN, "id": t.ARN,
			"home_region": t.HomeRegion, "s3_bucket_name": t.S3BucketName, "s3_key_prefix": t.S3KeyPrefix, "sns_topic_name": t.SnsTopicARN,
			"sns_topic_arn": t.SnsTopicARN, "kms_key_id": t.KmsKeyID, "is_multi_region_trail": t.IsMultiRegionTrail,
			"include_global_service_events": t.IncludeGlobalServiceEvents, "is_organization_trail": t.IsOrganizationTrail,
			"enable_log_file_validation": t.LogFileValidationEnabled, "enable_logging": logging, "event_selector": selectors,
			"advanced_event_selector": advanced, "insight_selector": []any{}, "cloud_watch_logs_group_arn": "", "cloud_watch_logs_role_arn": "",
			"tags": nil, "tags_all": map[string]any{}})
		if t.Location != nil {
			// The scenario has IaC declare this trail (a stack that
			// adds SNS to it): in a plan, that is an update.
			w.resources[len(w.resources)-1].action = "update"
		}
	}
	for _, d := range a.Detectors {
		pk, n := w.provider(acct, d.Region), w.name("detector_"+d.Region)
		w.add("aws_guardduty_detector", n, pk, map[string]any{"id": d.ID, "arn": "arn:aws:guardduty:" + d.Region + ":" + acct + ":detector/" + d.ID,
			"account_id": acct, "enable": d.Status == "ENABLED", "finding_publishing_frequency": d.FindingPublishingFrequency, "tags": nil, "tags_all": map[string]any{}})
		for i, p := range d.PublishingDestinations {
			dt := p.DestinationType
			if dt == "" {
				dt = "S3"
			}
			w.add("aws_guardduty_publishing_destination", w.name(fmt.Sprintf("%s_export_%d", n, i)), pk, map[string]any{
				"id": fmt.Sprintf("%s:dest%d", d.ID, i), "detector_id": d.ID, "destination_arn": p.DestinationARN, "kms_key_arn": p.KmsKeyARN, "destination_type": dt})
		}
	}
}

func (w *planWriter) organization(o *snapshot.Organization, region string) {
	pk := w.provider(o.ManagementAccountID, region)
	feature := o.FeatureSet
	if feature == "" {
		feature = "ALL"
	}
	w.add("aws_organizations_organization", "org", pk, map[string]any{"id": o.ID, "arn": o.ARN, "master_account_id": o.ManagementAccountID,
		"feature_set": feature, "aws_service_access_principals": strsOrEmpty(o.EnabledServicePrincipals),
		"enabled_policy_types": strsOrEmpty(o.EnabledPolicyTypes),
		"roots":                []any{map[string]any{"id": o.RootID, "name": "Root", "arn": "", "policy_types": []any{}}},
		"accounts":             []any{}, "non_master_accounts": []any{}})
	for _, ou := range o.OrganizationalUnits {
		w.add("aws_organizations_organizational_unit", w.name("ou_"+ou.Name), pk, map[string]any{"id": ou.ID, "name": ou.Name,
			"parent_id": ou.ParentID, "arn": "", "accounts": []any{}, "tags": nil})
	}
	for _, m := range o.Members {
		w.add("aws_organizations_account", w.name("account_"+m.Name), pk, map[string]any{"id": m.ID, "name": m.Name, "parent_id": m.ParentID,
			"status": m.Status, "email": "aws+" + m.ID + "@example.com", "arn": "", "tags": nil})
	}
	for _, d := range o.DelegatedAdministrators {
		w.add("aws_organizations_delegated_administrator", w.name("delegated_"+d.ServicePrincipal), pk, map[string]any{
			"id": d.AccountID + "/" + d.ServicePrincipal, "account_id": d.AccountID, "service_principal": d.ServicePrincipal})
	}
	for _, p := range o.Policies {
		if !p.AWSManaged {
			name := p.Name
			if name == "" {
				name = p.ID
			}
			w.add("aws_organizations_policy", w.name("policy_"+name), pk, map[string]any{"id": p.ID, "arn": p.ARN, "name": p.Name,
				"type": p.Type, "content": docString(&p.Document), "description": "", "skip_destroy": nil, "tags": nil, "tags_all": map[string]any{}})
		}
		for _, t := range p.Targets {
			w.add("aws_organizations_policy_attachment", w.name("attach_"+p.ID+"_"+t), pk, map[string]any{"id": t + ":" + p.ID,
				"policy_id": p.ID, "target_id": t, "skip_destroy": nil})
		}
	}
}

func (w *planWriter) render() ([]byte, error) {
	var planned, prior, changes, config []any
	for _, r := range w.resources {
		addr := r.typ + "." + r.name
		if r.mode == "data" {
			addr = "data." + addr
		}
		state := map[string]any{"address": addr, "mode": r.mode, "type": r.typ, "name": r.name,
			"provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0, "values": r.values, "sensitive_values": map[string]any{}}
		prior = append(prior, state)
		config = append(config, map[string]any{"address": addr, "mode": r.mode, "type": r.typ, "name": r.name,
			"provider_config_key": r.provider, "expressions": map[string]any{}, "schema_version": 0})
		if r.mode == "data" {
			continue
		}
		var after any = r.values
		if r.action == "delete" {
			after = nil
		} else {
			planned = append(planned, state)
		}
		changes = append(changes, map[string]any{"address": addr, "mode": r.mode, "type": r.typ, "name": r.name,
			"provider_name": "registry.terraform.io/hashicorp/aws",
			"change": map[string]any{"actions": []string{cmp.Or(r.action, "no-op")}, "before": r.values, "after": after, "after_unknown": map[string]any{},
				"before_sensitive": map[string]any{}, "after_sensitive": map[string]any{}}})
	}
	plan := map[string]any{
		"format_version": "1.2", "terraform_version": "1.10.5",
		"planned_values":   map[string]any{"root_module": map[string]any{"resources": planned}},
		"resource_changes": changes,
		"prior_state": map[string]any{"format_version": "1.0", "terraform_version": "1.10.5",
			"values": map[string]any{"root_module": map[string]any{"resources": prior}}},
		"configuration": map[string]any{"provider_config": w.providers, "root_module": map[string]any{"resources": config}},
		"timestamp":     "2026-11-20T10:00:00Z", "applyable": true, "complete": true, "errored": false,
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(plan); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
