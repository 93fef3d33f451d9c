/* model.c - an .onnx file read with protobuf-c, and checked access to its tensors and
 * attributes.  protobuf-c checks the wire format (lengths against the buffer, types);
 * this file adds what it cannot know: how deep messages may nest (its unpacker
 * recurses), and whether a tensor's data agrees with its dimensions. */
#include "onnx/model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/network.h"

/* The largest file netc reads: the largest network it accepts (NETC_MAX_PARAMS float32
 * parameters) and room for the rest. */
#define ONNX_MAX_FILE ((size_t)(NETC_MAX_PARAMS * 4) + ((size_t)64 << 20))
/* Model > graph > node > attribute > graph > ... : a real model nests a few levels
 * (subgraphs of If and Loop add a few each); a hostile one could nest millions. */
enum { ONNX_MAX_DEPTH = 64 };

static int varint(const uint8_t *p, size_t len, size_t *pos, uint64_t *v)
{
    *v = 0;
    for (int shift = 0; shift < 64 && *pos < len; shift += 7) {
        const uint8_t b = p[(*pos)++];
        *v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            return 0;
    }
    return -1;
}

/* Whether the messages in p[0..len) nest at most ONNX_MAX_DEPTH - depth levels deeper,
 * following the field descriptors protoc-c generated (a length-delimited field is a
 * nested message only if the schema says so).  A malformed buffer is left for
 * protobuf-c to report: this walk only stops early. */
static int depth_ok(const uint8_t *p, size_t len, const ProtobufCMessageDescriptor *desc, int depth)
{
    size_t pos = 0;
    while (pos < len) {
        uint64_t key, n;
        if (varint(p, len, &pos, &key) < 0)
            return 1;
        switch (key & 7) {
        case 0:
            if (varint(p, len, &pos, &n) < 0)
                return 1;
            break;
        case 1:
            pos += 8;
            break;
        case 5:
            pos += 4;
            break;
        case 2: {
            if (varint(p, len, &pos, &n) < 0 || n > len - pos)
                return 1;
            const ProtobufCFieldDescriptor *f =
                key >> 3 <= UINT32_MAX ? protobuf_c_message_descriptor_get_field(desc, (unsigned)(key >> 3)) : NULL;
            if (f && f->type == PROTOBUF_C_TYPE_MESSAGE &&
                (depth + 1 >= ONNX_MAX_DEPTH || !depth_ok(p + pos, (size_t)n, f->descriptor, depth + 1)))
                return 0;
            pos += (size_t)n;
            break;
        }
        default:
            return 1;
        }
    }
    return 1;
}

static int find_opset(struct onnx_model *m, netc_error *err)
{
    const Onnx__ModelProto *mp = m->proto;
    m->opset = 0;
    for (size_t i = 0; i < mp->n_opset_import; i++) {
        const Onnx__OperatorSetIdProto *o = mp->opset_import[i];
        if ((!o->domain || !o->domain[0] || strcmp(o->domain, "ai.onnx") == 0) && o->has_version)
            m->opset = o->version > 1000 ? 1000 : (int)o->version;
    }
    if (m->opset == 0)
        return netc_fail(err, "%s: the model imports no version of the standard ONNX operators "
                         "(opset_import)", m->path);
    if (m->opset < ONNX_MIN_OPSET || m->opset > ONNX_MAX_OPSET)
        return netc_fail(err, "%s: opset %d: netc imports opsets %d to %d (those PyTorch 1.13 "
                         "writes)\nhint: export with torch.onnx.export(..., opset_version=13)",
                         m->path, m->opset, ONNX_MIN_OPSET, ONNX_MAX_OPSET);
    return 0;
}

int onnx_model_read(const char *path, struct onnx_model *m, netc_error *err)
{
    unsigned char *data;
    size_t size;
    memset(m, 0, sizeof *m);
    m->path = path;
    if (netc_read_file(path, ONNX_MAX_FILE, &data, &size, err) < 0)
        return -2;
    if (!depth_ok(data, size, &onnx__model_proto__descriptor, 0)) {
        free(data);
        return netc_fail(err, "%s: messages nested more than %d deep: not an ONNX model netc "
                         "can read", path, ONNX_MAX_DEPTH);
    }
    m->proto = onnx__model_proto__unpack(NULL, size, data);
    free(data);
    if (!m->proto)
        return netc_fail(err, "%s: not an ONNX model: the protobuf data is malformed or truncated",
                         path);
    if (!m->proto->graph) {
        onnx_model_free(m);
        return netc_fail(err, "%s: not an ONNX model: it holds no graph", path);
    }
    if (find_opset(m, err) < 0) {
        onnx_model_free(m);
        return -1;
    }
    return 0;
}

void onnx_model_free(struct onnx_model *m)
{
    if (m->proto)
        onnx__model_proto__free_unpacked(m->proto, NULL);
    m->proto = NULL;
}

/* The number of values the dimensions declare, each from 1 to NETC_MAX_WIDTH and the
 * total at most NETC_MAX_PARAMS; or -1. */
static int64_t tensor_count(const struct onnx_model *m, const Onnx__TensorProto *t, const char *what,
                            netc_error *err)
{
    double count = 1;
    if (t->n_dims > 4)
        return netc_fail(err, "%s: %s has %zu dimensions; netc's tensors have at most 4", m->path,
                         what, t->n_dims);
    for (size_t i = 0; i < t->n_dims; i++) {
        if (t->dims[i] < 1 || t->dims[i] > NETC_MAX_WIDTH)
            return netc_fail(err, "%s: %s: dimension %zu is %lld; netc takes 1 to %d", m->path,
                             what, i, (long long)t->dims[i], NETC_MAX_WIDTH);
        count *= (double)t->dims[i];
    }
    if (count > NETC_MAX_PARAMS)
        return netc_fail(err, "%s: %s holds %.0f values, more than netc's limit of %.0f "
                         "parameters", m->path, what, count, NETC_MAX_PARAMS);
    if (t->has_data_location && t->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL)
        return netc_fail(err, "%s: %s is stored in an external file; netc reads models whose "
                         "weights are inside the .onnx file\nhint: save with "
                         "onnx.save(model, path, save_as_external_data=False)", m->path, what);
    return (int64_t)count;
}

static const char *type_name(int32_t type)
{
    static const char *const names[] = { "UNDEFINED", "FLOAT", "UINT8", "INT8", "UINT16",
        "INT16", "INT32", "INT64", "STRING", "BOOL", "FLOAT16", "DOUBLE", "UINT32", "UINT64",
        "COMPLEX64", "COMPLEX128", "BFLOAT16" };
    return type >= 0 && type < (int32_t)(sizeof names / sizeof names[0]) ? names[type] : "unknown";
}

static int want_type(const struct onnx_model *m, const Onnx__TensorProto *t, const char *what,
                     int32_t type, netc_error *err)
{
    const int32_t have = t->has_data_type ? t->data_type : 0;
    if (have != type)
        return netc_fail(err, "%s: %s is of type %s, netc expects %s", m->path, what,
                         type_name(have), type_name(type));
    return 0;
}

/* The number of values stored, in raw_data (size bytes each) or the typed field. */
static int stored_count(const struct onnx_model *m, const Onnx__TensorProto *t, const char *what,
                        int64_t want, size_t size, size_t typed, netc_error *err)
{
    if (t->has_raw_data && typed > 0)
        return netc_fail(err, "%s: %s holds its data twice (raw_data and a typed field)", m->path,
                         what);
    const size_t have = t->has_raw_data ? t->raw_data.len : typed * size;
    if (have != (size_t)want * size)
        return netc_fail(err, "%s: %s: its dimensions declare %lld values, its data holds %zu "
                         "bytes (%lld expected)", m->path, what, (long long)want, have,
                         (long long)want * (long long)size);
    return 0;
}

static uint64_t le_bytes(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

int onnx_tensor_floats(const struct onnx_model *m, const Onnx__TensorProto *t, const char *what,
                       float **out, int64_t *count, netc_error *err)
{
    const int64_t n = tensor_count(m, t, what, err);
    if (n < 0 || want_type(m, t, what, ONNX_FLOAT, err) < 0 ||
        stored_count(m, t, what, n, 4, t->n_float_data, err) < 0)
        return -1;
    float *v = netc_alloc((size_t)n, sizeof *v, what, err);
    if (!v)
        return -1;
    for (int64_t i = 0; i < n; i++) {
        if (t->has_raw_data) {      /* little-endian IEEE 754, whatever this machine is */
            const uint32_t bits = (uint32_t)le_bytes(t->raw_data.data + 4 * i, 4);
            memcpy(&v[i], &bits, sizeof bits);
        } else {
            v[i] = t->float_data[i];
        }
    }
    *out = v;
    *count = n;
    return 0;
}

int onnx_tensor_int64s(const struct onnx_model *m, const Onnx__TensorProto *t, const char *what,
                       int64_t **out, int64_t *count, netc_error *err)
{
    /* Shape tensors are short; their values, not their dimensions, may be -1 or 0. */
    const int64_t n = tensor_count(m, t, what, err);
    if (n < 0 || want_type(m, t, what, ONNX_INT64, err) < 0 ||
        stored_count(m, t, what, n, 8, t->n_int64_data, err) < 0)
        return -1;
    int64_t *v = netc_alloc((size_t)n, sizeof *v, what, err);
    if (!v)
        return -1;
    for (int64_t i = 0; i < n; i++)
        v[i] = t->has_raw_data ? (int64_t)le_bytes(t->raw_data.data + 8 * i, 8) : t->int64_data[i];
    *out = v;
    *count = n;
    return 0;
}

int onnx_tensor_bool(const struct onnx_model *m, const Onnx__TensorProto *t, const char *what,
                     int *value, netc_error *err)
{
    const int64_t n = tensor_count(m, t, what, err);
    if (n < 0 || want_type(m, t, what, ONNX_BOOL, err) < 0 ||
        stored_count(m, t, what, n, 1, t->n_int32_data, err) < 0)
        return -1;
    if (n != 1)
        return netc_fail(err, "%s: %s holds %lld values, one expected", m->path, what, (long long)n);
    *value = (t->has_raw_data ? t->raw_data.data[0] : t->int32_data[0]) != 0;
    return 0;
}

const Onnx__AttributeProto *onnx_attribute(const Onnx__NodeProto *n, const char *name)
{
    for (size_t i = 0; i < n->n_attribute; i++)
        if (n->attribute[i]->name && strcmp(n->attribute[i]->name, name) == 0)
            return n->attribute[i];
    return NULL;
}

const char *onnx_printable(const char *s, char buf[96])
{
    size_t k = 0;
    for (; s && s[k] && k < 80; k++)
        buf[k] = s[k] >= 0x20 && s[k] < 0x7f ? s[k] : '?';
    strcpy(buf + k, s && s[k] ? "..." : "");
    return buf;
}

const char *onnx_node_label(const Onnx__NodeProto *n, int index, char buf[96])
{
    if (n->name && n->name[0])
        return onnx_printable(n->name, buf);
    snprintf(buf, 96, "#%d", index);
    return buf;
}
