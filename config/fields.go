package config

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// Variable documents one environment variable.
type Variable struct {
	Name, Default, Doc string
	Secret             bool
}

// Variables lists every variable Tandem reads, in declaration order.
func Variables() []Variable {
	var vars []Variable
	eachField(&Config{}, func(f field) {
		vars = append(vars, Variable{Name: f.env, Default: f.def, Doc: f.doc, Secret: f.secret})
	})
	return vars
}

// field is one tagged leaf of Config.
type field struct {
	env, def, doc string
	secret, cred  bool
	v             reflect.Value
}

func eachField(c *Config, fn func(field)) {
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			sf := t.Field(i)
			if sf.Type.Kind() == reflect.Struct && sf.Type != reflect.TypeOf(time.Duration(0)) {
				walk(v.Field(i))
				continue
			}
			env := sf.Tag.Get("env")
			if env == "" {
				continue
			}
			fn(field{env: env, def: sf.Tag.Get("default"), doc: sf.Tag.Get("doc"), secret: sf.Tag.Get("secret") == "true",
				cred: sf.Tag.Get("cred") == "true", v: v.Field(i)})
		}
	}
	walk(reflect.ValueOf(c).Elem())
}

func (f field) set(raw string) error {
	switch f.v.Interface().(type) {
	case string:
		f.v.SetString(strings.TrimSpace(raw))
	case int:
		n, err := strconv.Atoi(strings.TrimSpace(raw))
		if err != nil {
			return fmt.Errorf("%q is not a whole number", raw)
		}
		f.v.SetInt(int64(n))
	case time.Duration:
		d, err := time.ParseDuration(strings.TrimSpace(raw))
		if err != nil {
			return fmt.Errorf("%q is not a duration like 30s or 5m", raw)
		}
		f.v.SetInt(int64(d))
	case []string:
		var items []string
		for _, s := range strings.Split(raw, ",") {
			if s = strings.TrimSpace(s); s != "" {
				items = append(items, s)
			}
		}
		f.v.Set(reflect.ValueOf(items))
	default:
		return fmt.Errorf("unsupported type %s", f.v.Type())
	}
	return nil
}

func (f field) get() string {
	switch x := f.v.Interface().(type) {
	case []string:
		return strings.Join(x, ",")
	case time.Duration:
		return x.String()
	default:
		return fmt.Sprint(x)
	}
}
