package iam

import (
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// Condition operators.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
// Multivalued keys and set operators:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html

type opFamily int

const (
	famString opFamily = iota
	famStringIgnoreCase
	famStringLike
	famNumeric
	famDate
	famBool
	famBinary
	famIP
	famArn
	famNull
)

type cmpKind int

const (
	cmpEq cmpKind = iota
	cmpLt
	cmpLe
	cmpGt
	cmpGe
)

type opSpec struct {
	fam     opFamily
	cmp     cmpKind
	negated bool
}

var operators = map[string]opSpec{
	"StringEquals":              {famString, cmpEq, false},
	"StringNotEquals":           {famString, cmpEq, true},
	"StringEqualsIgnoreCase":    {famStringIgnoreCase, cmpEq, false},
	"StringNotEqualsIgnoreCase": {famStringIgnoreCase, cmpEq, true},
	"StringLike":                {famStringLike, cmpEq, false},
	"StringNotLike":             {famStringLike, cmpEq, true},
	"NumericEquals":             {famNumeric, cmpEq, false},
	"NumericNotEquals":          {famNumeric, cmpEq, true},
	"NumericLessThan":           {famNumeric, cmpLt, false},
	"NumericLessThanEquals":     {famNumeric, cmpLe, false},
	"NumericGreaterThan":        {famNumeric, cmpGt, false},
	"NumericGreaterThanEquals":  {famNumeric, cmpGe, false},
	"DateEquals":                {famDate, cmpEq, false},
	"DateNotEquals":             {famDate, cmpEq, true},
	"DateLessThan":              {famDate, cmpLt, false},
	"DateLessThanEquals":        {famDate, cmpLe, false},
	"DateGreaterThan":           {famDate, cmpGt, false},
	"DateGreaterThanEquals":     {famDate, cmpGe, false},
	"Bool":                      {famBool, cmpEq, false},
	"BinaryEquals":              {famBinary, cmpEq, false},
	"IpAddress":                 {famIP, cmpEq, false},
	"NotIpAddress":              {famIP, cmpEq, true},
	"ArnEquals":                 {famArn, cmpEq, false},
	"ArnLike":                   {famArn, cmpEq, false},
	"ArnNotEquals":              {famArn, cmpEq, true},
	"ArnNotLike":                {famArn, cmpEq, true},
	"Null":                      {famNull, cmpEq, false},
}

type setQualifier int

const (
	setNone setQualifier = iota
	setAnyValue
	setAllValues
)

// splitOperator strips one ForAnyValue:/ForAllValues: prefix and one
// IfExists suffix, the way AWS reads "ForAnyValue:StringEqualsIfExists".
func splitOperator(name string) (base string, set setQualifier, ifExists bool) {
	base = name
	switch {
	case strings.HasPrefix(base, "ForAnyValue:"):
		base, set = base[len("ForAnyValue:"):], setAnyValue
	case strings.HasPrefix(base, "ForAllValues:"):
		base, set = base[len("ForAllValues:"):], setAllValues
	}
	if strings.HasSuffix(base, "IfExists") {
		base, ifExists = base[:len(base)-len("IfExists")], true
	}
	return base, set, ifExists
}

// condValue is one policy value, pre-parsed for its operator family.
type condValue struct {
	t      template
	num    float64
	date   dateValue
	prefix netip.Prefix
	arn    [5]string
	parsed bool // num/date/prefix/arn hold the parsed form of t (no variables)
	// wideGlob: an ARN value widened from a partly unresolved one
	// (widenARN), matched as one string whose wildcards span colons.
	wideGlob bool
}

// condition is one operator + key + values block of a Condition element.
type condition struct {
	operator string // as written, for explanations
	key      string
	op       opSpec
	set      setQualifier
	ifExists bool
	// unknown: the key or a value is an unresolved value, so the block may
	// be true or false whatever the request says.
	unknown bool
	// wide: for an unknown block of a Like-type operator with a known key,
	// the block with each token read as "*" (widenCondition); nil when it
	// cannot be widened.
	wide   *condition
	values []condValue
}

func compileCondition(operator, key string, vals []string, variables bool) condition {
	base, set, ifExists := splitOperator(operator)
	c := condition{operator: operator, key: key, op: operators[base], set: set, ifExists: ifExists}
	c.values = make([]condValue, len(vals))
	for i, v := range vals {
		cv := condValue{t: compileTemplate(v, variables)}
		if !cv.t.vars {
			cv.parsed = true
			cv.parse(c.op.fam, cv.t.exact, cv.t.glob)
		}
		c.values[i] = cv
	}
	return c
}

func (cv *condValue) parse(fam opFamily, exact, glob string) {
	switch fam {
	case famNumeric:
		f, err := strconv.ParseFloat(strings.TrimSpace(exact), 64)
		if err != nil {
			cv.parsed = false
			cv.num = 0
			return
		}
		cv.num = f
	case famDate:
		cv.date, cv.parsed = parseDate(exact)
	case famIP:
		cv.prefix, cv.parsed = parseCIDR(exact)
	case famArn:
		cv.arn = splitEscapedARN(glob)
	}
}

// condResult: the block is true, false, or cannot be decided because a
// policy variable in it has no value (the statement then does not apply).
type condResult int

const (
	condFalse condResult = iota
	condTrue
	condUnresolved
	// condMaybe: a pattern may or may not match a symbol in the request
	// (symbol.go), so the block is true for some values and false for
	// others.
	condMaybe
)

// eval evaluates the block against the request context.
func (c *condition) eval(ctx *evalContext) condResult {
	vals, found := ctx.lookup(c.key)
	present := found && len(vals) > 0
	if c.op.fam == famNull {
		return c.evalNull(ctx, present)
	}
	if !present {
		// IfExists: "if the key is not present, evaluate the condition
		// element as true". ForAllValues is true on a missing or empty key,
		// ForAnyValue false; a bare negated operator is true.
		switch {
		case c.ifExists:
			return condTrue
		case c.set == setAllValues:
			return condTrue
		case c.set == setAnyValue:
			return condFalse
		case c.op.negated:
			return condTrue
		}
		return condFalse
	}
	// maybe: some value's test is triMaybe (a symbol, symbol.go); the
	// block is then decided only where a definite value decides it.
	maybe := false
	switch c.set {
	case setAllValues, setAnyValue:
		// ForAllValues: a value that fails the test decides false, else
		// the block is true; ForAnyValue: a value that passes decides
		// true, else it is false.
		anyValue := c.set == setAnyValue
		decided, otherwise := condFalse, condTrue
		if anyValue {
			decided, otherwise = condTrue, condFalse
		}
		for _, v := range vals {
			m, ok := c.positiveTri(ctx, v)
			if !ok {
				return condUnresolved
			}
			if m == triMaybe {
				maybe = true
			} else if ((m == triYes) != c.op.negated) == anyValue {
				return decided
			}
		}
		return maybeOr(maybe, otherwise)
	}
	// A single-valued operator on several values: true when any value
	// matches; its negation when none does.
	for _, v := range vals {
		m, ok := c.positiveTri(ctx, v)
		if !ok {
			return condUnresolved
		}
		switch m {
		case triYes:
			if c.op.negated {
				return condFalse
			}
			return condTrue
		case triMaybe:
			maybe = true
		}
	}
	if c.op.negated {
		return maybeOr(maybe, condTrue)
	}
	return maybeOr(maybe, condFalse)
}

func maybeOr(maybe bool, r condResult) condResult {
	if maybe {
		return condMaybe
	}
	return r
}

// positiveTri is positive in three values: only a value holding a symbol
// or an unknown token can answer triMaybe.
//
// For an unknown token (opaque.go), per operator family:
//   - StringLike and the ARN operators (ArnEquals matches like ArnLike)
//     match their patterns in three values, each value's answer folded
//     into the block by eval as for a symbol: positive is "some value
//     matches", so yes for one value decides yes, no for all decides no.
//   - StringEquals (case-sensitive) is StringLike with the value's text
//     escaped: equality never holds for every resolution (no '*' takes a
//     token), and fails for all of them when the known pieces differ.
//   - Every other family (IgnoreCase, numeric, date, bool, binary, IP)
//     compares a parsed or case-folded resolution: maybe.
func (c *condition) positiveTri(ctx *evalContext, v string) (tri, bool) {
	if ctx.varsUnknown && c.substitutesUnknown(ctx) {
		return c.positiveEachValue(ctx, v)
	}
	if hasUnknownToken(v) {
		switch c.op.fam {
		case famStringLike, famArn:
			return c.positiveSymbol(ctx, v)
		case famString:
			return c.positiveUnknownEquals(ctx, v)
		}
		return triMaybe, true
	}
	if (c.op.fam == famStringLike || c.op.fam == famArn) && hasSymbol(v) {
		return c.positiveSymbol(ctx, v)
	}
	m, ok := c.positive(ctx, v)
	return boolTri(m), ok
}

// substitutesUnknown reports whether some policy value of c substitutes a
// request value holding an unknown token for a variable (opaque.go).
func (c *condition) substitutesUnknown(ctx *evalContext) bool {
	for i := range c.values {
		if c.values[i].t.substitutesUnknown(ctx) {
			return true
		}
	}
	return false
}

// positiveEachValue is positiveTri for a condition some of whose policy
// values substitute an unknown token: such a value is matched widened
// (template.widenedTri; only the string, Like and ARN families compare
// text a span can be bounded in, the others answer maybe), every other
// value as positiveTri matches it alone, and the answers are ORed in the
// order positive takes them.
func (c *condition) positiveEachValue(ctx *evalContext, v string) (tri, bool) {
	out := triNo
	for i := range c.values {
		t, ok := triNo, true
		if tm := &c.values[i].t; tm.substitutesUnknown(ctx) {
			switch c.op.fam {
			case famString:
				t, ok = tm.widenedTri(ctx, false, false, v)
			case famStringLike, famArn:
				t, ok = tm.widenedTri(ctx, true, c.op.fam == famArn, v)
			default:
				_, ok = tm.widen(ctx, false)
				t = triMaybe
			}
			if !ok && c.op.negated {
				continue // a null value (nullValueNeverMatches)
			}
		} else {
			one := *c
			one.values = c.values[i : i+1]
			t, ok = one.positiveTri(ctx, v)
		}
		switch {
		case !ok:
			return triNo, false
		case t == triYes:
			return triYes, true
		case t == triMaybe:
			out = triMaybe
		}
	}
	return out, true
}

// positiveUnknownEquals is positive for StringEquals and StringNotEquals
// and a context value holding an unknown token.
func (c *condition) positiveUnknownEquals(ctx *evalContext, v string) (tri, bool) {
	out := triNo
	for i := range c.values {
		s, ok := c.values[i].t.resolve(ctx, false)
		if !ok {
			if c.op.negated {
				continue // a null value (nullValueNeverMatches)
			}
			return triNo, false
		}
		if unknownGlob(escapeLiteral(s), v) != triNo {
			out = triMaybe
		}
	}
	return out, true
}

// positiveSymbol is positive for a Like or ARN operator and a context
// value holding a symbol or an unknown token.
func (c *condition) positiveSymbol(ctx *evalContext, v string) (tri, bool) {
	out := triNo
	parts, isARN := opaqueARNParts(v)
	for i := range c.values {
		var t tri
		if c.op.fam == famArn {
			cv, ok := c.value(ctx, i)
			if !ok {
				if c.op.negated {
					continue // a null value (nullValueNeverMatches)
				}
				return triNo, false
			}
			switch {
			case cv.t.exact == "*" && !cv.t.vars:
				t = triYes
			default:
				switch {
				case isARN:
					t = arnPartsTri(&cv.arn, &parts)
				case hasUnknownToken(v):
					t = unknownNotARNTri(&cv.arn, v)
				}
				if cv.wideGlob && t != triYes {
					if w := triGlob(cv.t.glob, v); w != triNo {
						t = w
					}
				}
			}
		} else {
			g, ok := c.values[i].t.resolve(ctx, true)
			if !ok {
				if c.op.negated {
					continue // a null value (nullValueNeverMatches)
				}
				return triNo, false
			}
			t = triGlob(g, v)
		}
		switch t {
		case triYes:
			return triYes, true
		case triMaybe:
			out = triMaybe
		}
	}
	return out, true
}

// evalNull: "Null": {"k": "true"} is true when k is absent (or has no
// value), "false" when it is present. Several values are ORed.
//
// With a set prefix the key's absence decides first, as for every set
// operator: ForAllValues: is true and ForAnyValue: false on a missing or
// empty key, whatever the value ("The ForAllValues set operator also
// returns true if there are no context keys in the request",
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html);
// a present key is tested as by Null.
func (c *condition) evalNull(ctx *evalContext, present bool) condResult {
	if !present {
		switch c.set {
		case setAllValues:
			return condTrue
		case setAnyValue:
			return condFalse
		}
	}
	maybe := false
	for i := range c.values {
		if t := &c.values[i].t; ctx.varsUnknown && t.substitutesUnknown(ctx) {
			// The substituted value may resolve to "true" or "false".
			if _, ok := t.widen(ctx, false); !ok {
				return condUnresolved
			}
			maybe = true
			continue
		}
		s, ok := c.values[i].t.resolve(ctx, false)
		if !ok {
			return condUnresolved
		}
		switch strings.ToLower(s) {
		case "true":
			if !present {
				return condTrue
			}
		case "false":
			if present {
				return condTrue
			}
		}
	}
	return maybeOr(maybe, condFalse)
}

// positive reports whether context value v matches any policy value under
// the non-negated form of the operator.
//
// nullValueNeverMatches: a policy variable naming a key the request does
// not carry has no value, and what AWS then does depends on the operator
// ("Policy variables with no value",
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#policy-vars-no-value):
// "condition operators like StringEquals or StringLike do not match, and
// the policy statement does not take effect" (ok false: condUnresolved),
// while "inverted condition operators like StringNotEquals or StringNotLike
// do match against a null value, as the value of the condition key they
// are testing against is not equal to or like the effectively null value".
// For a negated operator such a value equals nothing, so it is skipped:
// the NOR of the values holds for it. The Resource element is unaffected:
// there a variable without value matches no resource.
func (c *condition) positive(ctx *evalContext, v string) (bool, bool) {
	switch c.op.fam {
	case famNumeric:
		n, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil {
			return false, true
		}
		return c.anyValue(ctx, func(cv condValue) bool { return cv.parsed && compareFloat(n, cv.num, c.op.cmp) })
	case famDate:
		d, okd := parseDate(v)
		if !okd {
			return false, true
		}
		return c.anyValue(ctx, func(cv condValue) bool { return cv.parsed && compareDate(d, cv.date, c.op.cmp) })
	case famIP:
		a, err := netip.ParseAddr(strings.TrimSpace(v))
		if err != nil {
			return false, true
		}
		a = a.Unmap()
		return c.anyValue(ctx, func(cv condValue) bool { return cv.parsed && cv.prefix.Contains(a) })
	case famArn:
		parts, isARN := arnParts(v)
		return c.anyValue(ctx, func(cv condValue) bool {
			return cv.t.exact == "*" && !cv.t.vars || isARN && arnPartsMatch(&cv.arn, &parts) ||
				cv.wideGlob && globMatch(cv.t.glob, v, false)
		})
	}
	for i := range c.values {
		p := &c.values[i]
		switch c.op.fam {
		case famStringLike:
			g, ok := p.t.resolve(ctx, true)
			if !ok {
				if c.op.negated {
					continue // a null value (nullValueNeverMatches)
				}
				return false, false
			}
			if globMatch(g, v, false) {
				return true, true
			}
		default:
			s, ok := p.t.resolve(ctx, false)
			if !ok {
				if c.op.negated {
					continue // a null value (nullValueNeverMatches)
				}
				return false, false
			}
			switch c.op.fam {
			case famStringIgnoreCase:
				if strings.EqualFold(s, v) {
					return true, true
				}
			case famBool:
				if equalFold(s, v) {
					return true, true
				}
			default: // famString, famBinary
				if s == v {
					return true, true
				}
			}
		}
	}
	return false, true
}

// anyValue reports whether some policy value, parsed for the operator with
// its variables resolved, satisfies match. ok is false when a value's
// policy variable cannot be resolved before a match is found, which leaves
// the condition unresolved (condUnresolved); for a negated operator such a
// value is null and matches nothing (nullValueNeverMatches).
func (c *condition) anyValue(ctx *evalContext, match func(condValue) bool) (matched, ok bool) {
	for i := range c.values {
		cv, ok := c.value(ctx, i)
		if !ok {
			if c.op.negated {
				continue
			}
			return false, false
		}
		if match(cv) {
			return true, true
		}
	}
	return false, true
}

// value returns policy value i parsed for the operator, resolving
// variables first when it has any.
func (c *condition) value(ctx *evalContext, i int) (condValue, bool) {
	cv := c.values[i]
	if !cv.t.vars {
		return cv, true
	}
	exact, ok := cv.t.resolve(ctx, false)
	if !ok {
		return cv, false
	}
	glob, _ := cv.t.resolve(ctx, true)
	cv.parsed = true
	cv.parse(c.op.fam, exact, glob)
	cv.t = template{exact: exact, glob: glob}
	return cv, true
}

func compareFloat(a, b float64, k cmpKind) bool {
	switch k {
	case cmpLt:
		return a < b
	case cmpLe:
		return a <= b
	case cmpGt:
		return a > b
	case cmpGe:
		return a >= b
	}
	return a == b
}

// dateValue is an instant as seconds and nanoseconds since the epoch.
type dateValue struct {
	sec  int64
	nsec int64
}

func compareDate(a, b dateValue, k cmpKind) bool {
	c := 0
	switch {
	case a.sec < b.sec || (a.sec == b.sec && a.nsec < b.nsec):
		c = -1
	case a.sec > b.sec || (a.sec == b.sec && a.nsec > b.nsec):
		c = 1
	}
	switch k {
	case cmpLt:
		return c < 0
	case cmpLe:
		return c <= 0
	case cmpGt:
		return c > 0
	case cmpGe:
		return c >= 0
	}
	return c == 0
}

// parseDate reads the date forms AWS accepts in Date conditions: ISO 8601
// (2017-07-01T00:00:00Z, 2016-12-13T21:20:37.593194+00:00, 2019-07-01,
// a lower-case 't', an hour without leading zero) or epoch seconds.
func parseDate(s string) (dateValue, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return dateValue{}, false
	}
	ls := strings.ToLower(s)
	if !strings.ContainsAny(ls, "t-") {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			return dateValue{}, false
		}
		return dateValue{sec: n}, true
	}
	datePart, timePart, _ := strings.Cut(ls, "t")
	neg := strings.HasPrefix(datePart, "-")
	if neg {
		datePart = datePart[1:]
	}
	dp := strings.Split(datePart, "-")
	if len(dp) > 3 {
		return dateValue{}, false
	}
	year, err := strconv.Atoi(dp[0])
	if err != nil {
		return dateValue{}, false
	}
	if neg {
		year = -year
	}
	if year < -292275054 || year > 292278993 {
		return dateValue{}, false
	}
	month, day := 1, 1
	if len(dp) > 1 {
		if month, err = strconv.Atoi(dp[1]); err != nil || month < 1 || month > 12 {
			return dateValue{}, false
		}
	}
	if len(dp) > 2 {
		if day, err = strconv.Atoi(dp[2]); err != nil || day < 1 || day > 31 {
			return dateValue{}, false
		}
	}
	hour, minute, sec, nsec, offset := 0, 0, 0, 0, 0
	if timePart != "" {
		// Split off the zone: 'z', or +hh[:mm] / -hh[:mm] after the seconds.
		zone := ""
		if i := strings.IndexAny(timePart, "z+"); i >= 0 {
			timePart, zone = timePart[:i], timePart[i:]
		} else if i := strings.LastIndexByte(timePart, '-'); i >= 0 {
			timePart, zone = timePart[:i], timePart[i:]
		}
		tp := strings.Split(timePart, ":")
		if len(tp) > 3 {
			return dateValue{}, false
		}
		if tp[0] != "" {
			if hour, err = strconv.Atoi(tp[0]); err != nil || hour < 0 || hour > 23 {
				return dateValue{}, false
			}
		}
		if len(tp) > 1 {
			if minute, err = strconv.Atoi(tp[1]); err != nil || minute < 0 || minute > 59 {
				return dateValue{}, false
			}
		}
		if len(tp) > 2 {
			secs, frac, hasFrac := strings.Cut(tp[2], ".")
			if sec, err = strconv.Atoi(secs); err != nil || sec < 0 || sec > 59 {
				return dateValue{}, false
			}
			if hasFrac {
				if len(frac) == 0 || len(frac) > 9 {
					return dateValue{}, false
				}
				f, err := strconv.Atoi(frac)
				if err != nil || f < 0 {
					return dateValue{}, false
				}
				for i := len(frac); i < 9; i++ {
					f *= 10
				}
				nsec = f
			}
		}
		switch {
		case zone == "" || zone == "z":
		case zone[0] == '+' || zone[0] == '-':
			hh, mm, hasMM := strings.Cut(zone[1:], ":")
			if len(hh) != 2 {
				return dateValue{}, false
			}
			h, err := strconv.Atoi(hh)
			if err != nil || h < 0 || h > 23 {
				return dateValue{}, false
			}
			m := 0
			if hasMM {
				if len(mm) != 2 {
					return dateValue{}, false
				}
				if m, err = strconv.Atoi(mm); err != nil || m < 0 || m > 59 {
					return dateValue{}, false
				}
			}
			offset = h*3600 + m*60
			if zone[0] == '-' {
				offset = -offset
			}
		default:
			return dateValue{}, false
		}
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC)
	return dateValue{sec: t.Unix() - int64(offset), nsec: int64(t.Nanosecond())}, true
}

// parseCIDR accepts an address or a CIDR block, IPv4 or IPv6, as AWS does
// in IpAddress conditions (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IPAddress).
func parseCIDR(s string) (netip.Prefix, bool) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, false
		}
		if p.Addr().Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		return p.Masked(), true
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, false
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), true
}
