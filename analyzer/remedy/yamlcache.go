package remedy

import (
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// yamlCache memoizes what yamlBlock and yamlNode render. The YAML encoder
// is most of what writing a CloudFormation fix costs, and a check of many
// stacks renders the same values again and again (the same actions,
// conditions, statement skeletons and property names in every stack): at
// 300 stacks the renders were the largest per-stack cost of Apply. The
// rendering is a pure function of the value, so a memo cannot change a
// fix; it is bounded so that a long-lived process (a server embedding the
// library) does not keep every value it ever rendered.
var yamlCache = struct {
	sync.Mutex
	blocks  map[string]string
	scalars map[any]yaml.Node
}{blocks: map[string]string{}, scalars: map[any]yaml.Node{}}

// yamlCacheMax bounds each memo: when one fills up it starts over.
const yamlCacheMax = 1 << 14

// cachedBlock returns the memoized yamlBlock of the value with this key.
func cachedBlock(key string) (string, bool) {
	yamlCache.Lock()
	defer yamlCache.Unlock()
	s, ok := yamlCache.blocks[key]
	return s, ok
}

func storeBlock(key, s string) {
	yamlCache.Lock()
	defer yamlCache.Unlock()
	if len(yamlCache.blocks) >= yamlCacheMax {
		clear(yamlCache.blocks)
	}
	yamlCache.blocks[key] = s
}

// scalarNode returns the node Node.Encode makes of a scalar value of a
// comparable type, memoized; ok is false for any other value.
func scalarNode(v any) (*yaml.Node, bool) {
	switch v.(type) {
	case nil, string, bool, int64, float64:
	default:
		return nil, false
	}
	yamlCache.Lock()
	n, hit := yamlCache.scalars[v]
	yamlCache.Unlock()
	if !hit {
		_ = n.Encode(v)
		yamlCache.Lock()
		if len(yamlCache.scalars) >= yamlCacheMax {
			clear(yamlCache.scalars)
		}
		yamlCache.scalars[v] = n
		yamlCache.Unlock()
	}
	// A copy: the caller owns (and the encoder may touch) what it gets.
	return &n, true
}

// blockKey is a canonical text of v, built only from the JSON-shaped types
// yamlNode distinguishes (objects, lists, strings, numbers, booleans,
// null); ok is false when v holds any other type, whose rendering the key
// could not tell apart.
func blockKey(v any) (string, bool) {
	var b strings.Builder
	if !writeKey(&b, v) {
		return "", false
	}
	return b.String(), true
}

func writeKey(b *strings.Builder, v any) bool {
	switch x := v.(type) {
	case nil:
		b.WriteByte('n')
	case string:
		b.WriteString(strconv.Quote(x))
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case float64:
		b.WriteByte('f')
		b.WriteString(strconv.FormatFloat(x, 'g', -1, 64))
	case []any:
		b.WriteByte('[')
		for _, e := range x {
			if !writeKey(b, e) {
				return false
			}
			b.WriteByte(',')
		}
		b.WriteByte(']')
	case map[string]any:
		b.WriteByte('{')
		for _, k := range props(x) {
			b.WriteString(strconv.Quote(k))
			b.WriteByte(':')
			if !writeKey(b, x[k]) {
				return false
			}
			b.WriteByte(',')
		}
		b.WriteByte('}')
	default:
		return false
	}
	return true
}
