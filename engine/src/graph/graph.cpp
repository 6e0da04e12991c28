#include "graph/graph.h"

#include <cstring>

namespace tern {

const char* op_name(Op op) {
    switch (op) {
    case Op::LEAF: return "LEAF";
    case Op::VIEW: return "VIEW";
    case Op::GET_ROWS: return "GET_ROWS";
    case Op::MUL_MAT: return "MUL_MAT";
    case Op::MUL_MAT_ID: return "MUL_MAT_ID";
    case Op::RMS_NORM: return "RMS_NORM";
    case Op::ROPE: return "ROPE";
    case Op::ATTENTION: return "ATTENTION";
    case Op::SOFTMAX: return "SOFTMAX";
    case Op::TOP_K: return "TOP_K";
    case Op::MOE_WEIGHTS: return "MOE_WEIGHTS";
    case Op::SILU_MUL: return "SILU_MUL";
    case Op::RELU2_MUL: return "RELU2_MUL";
    case Op::ADD: return "ADD";
    case Op::MOE_SUM: return "MOE_SUM";
    case Op::COUNT: break;
    }
    return "?";
}

size_t Tensor::n_bytes() const {
    return row_bytes(type, ne[0]) * static_cast<size_t>(ne[1] * ne[2] * ne[3]);
}

static void set_shape(Tensor& t, std::initializer_list<int64_t> ne) {
    int k = 0;
    for (int64_t v : ne) t.ne[k++] = v;
}

Tensor* Graph::leaf(Type type, std::initializer_list<int64_t> ne, const void* data, std::string name) {
    Tensor& t = arena_.emplace_back();
    t.op = Op::LEAF;
    t.type = type;
    set_shape(t, ne);
    t.data = data;
    t.name = std::move(name);
    return &t;
}

Tensor* Graph::node(Op op, Type type, std::initializer_list<int64_t> ne, Tensor* a, Tensor* b, Tensor* c) {
    Tensor& t = arena_.emplace_back();
    t.op = op;
    t.type = type;
    set_shape(t, ne);
    t.src[0] = a;
    t.src[1] = b;
    t.src[2] = c;
    t.index = static_cast<int32_t>(nodes_.size());
    nodes_.push_back(&t);
    return &t;
}

}  // namespace tern
