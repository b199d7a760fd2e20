package sandbox

import (
	"bytes"
	"encoding/json"
)

// jsonObject is a JSON object whose keys keep their order, so records come
// out as Salesforce writes them: attributes first, then fields as selected.
type jsonObject []jsonField

type jsonField struct {
	Key   string
	Value any
}

func (o jsonObject) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, f := range o {
		if i > 0 {
			buf.WriteByte(',')
		}
		key, _ := json.Marshal(f.Key)
		buf.Write(key)
		buf.WriteByte(':')
		var val bytes.Buffer
		enc := json.NewEncoder(&val)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(f.Value); err != nil {
			return nil, err
		}
		buf.Write(bytes.TrimSuffix(val.Bytes(), []byte("\n")))
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}
