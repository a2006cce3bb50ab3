// Shared helpers of vkgrad's compute shaders. Every shader takes its
// workgroup size from specialization constant 0 and walks a grid of up to
// 65535 x 65535 workgroups, so any element count fits the device limits.

layout(local_size_x_id = 0) in;

#include "ops.glsl"

// flatIndex is the invocation's index in a 2-D grid of 1-D workgroups.
uint flatIndex() {
    return (gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x) * gl_WorkGroupSize.x + gl_LocalInvocationID.x;
}

// groupIndex is the workgroup's index in a 2-D grid.
uint groupIndex() {
    return gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x;
}

#define NAN uintBitsToFloat(0x7fc00000u)
#define INF uintBitsToFloat(0x7f800000u)

// erf with |error| < 1.5e-7 (Abramowitz and Stegun 7.1.26).
float erf_(float x) {
    float s = sign(x), a = abs(x);
    float t = 1.0 / (1.0 + 0.3275911 * a);
    float y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * exp(-a * a);
    return s * y;
}

// tanh that stays finite for large |x| on every driver.
float tanh_(float x) {
    float t = exp(-2.0 * abs(x));
    return sign(x) * (1.0 - t) / (1.0 + t);
}

// The unary ops (UNARY_* from ops.glsl, generated from device's op table).
float unaryOp(uint op, float x, float alpha) {
    switch (op) {
    case UNARY_IDENTITY: return x;
    case UNARY_NEG: return -x;
    case UNARY_ABS: return abs(x);
    case UNARY_EXP: return exp(x);
    case UNARY_LOG: return log(x);
    case UNARY_SQRT: return sqrt(x);
    case UNARY_SQUARE: return x * x;
    case UNARY_RELU: return (x > 0.0 || isnan(x)) ? x : 0.0;
    case UNARY_LEAKY_RELU: return x > 0.0 ? x : alpha * x;
    case UNARY_SIGMOID: return 1.0 / (1.0 + exp(-x));
    case UNARY_TANH: return tanh_(x);
    case UNARY_GELU: return 0.5 * x * (1.0 + erf_(x * 0.70710678118654752));
    case UNARY_SILU: return x / (1.0 + exp(-x));
    case UNARY_ERF: return erf_(x);
    case UNARY_FLOOR: return floor(x);
    case UNARY_CEIL: return ceil(x);
    case UNARY_ROUND: return roundEven(x);
    case UNARY_SIN: return sin(x);
    case UNARY_COS: return cos(x);
    case UNARY_SOFTPLUS: return x > 20.0 ? x : log(1.0 + exp(x));
    case UNARY_ELU: return x > 0.0 ? x : alpha * (exp(x) - 1.0);
    case UNARY_GELU_TANH: return 0.5 * x * (1.0 + tanh_(0.79788456080286536 * (x + 0.044715 * x * x * x)));
    }
    return NAN;
}

// unaryGrad is dy * op'(.), from z: the op's output y for the ops whose
// derivative reads y in device's op table (exp, sqrt, sigmoid, tanh), its
// input x for the others.
float unaryGrad(uint op, float z, float dy, float alpha) {
    switch (op) {
    case UNARY_IDENTITY: return dy;
    case UNARY_NEG: return -dy;
    case UNARY_ABS: return z > 0.0 ? dy : (z < 0.0 ? -dy : 0.0);
    case UNARY_EXP: return dy * z;
    case UNARY_LOG: return dy / z;
    case UNARY_SQRT: return dy / (2.0 * z);
    case UNARY_SQUARE: return 2.0 * z * dy;
    case UNARY_RELU: return z > 0.0 ? dy : 0.0;
    case UNARY_LEAKY_RELU: return z > 0.0 ? dy : alpha * dy;
    case UNARY_SIGMOID: return dy * z * (1.0 - z);
    case UNARY_TANH: return dy * (1.0 - z * z);
    case UNARY_GELU: {
        float cdf = 0.5 * (1.0 + erf_(z * 0.70710678118654752));
        float pdf = exp(-0.5 * z * z) * 0.39894228040143268;
        return dy * (cdf + z * pdf);
    }
    case UNARY_SILU: {
        float s = 1.0 / (1.0 + exp(-z));
        return dy * s * (1.0 + z * (1.0 - s));
    }
    case UNARY_ERF: return dy * 1.1283791670955126 * exp(-z * z);
    case UNARY_FLOOR: return 0.0;
    case UNARY_CEIL: return 0.0;
    case UNARY_ROUND: return 0.0;
    case UNARY_SIN: return dy * cos(z);
    case UNARY_COS: return -dy * sin(z);
    case UNARY_SOFTPLUS: return z > 20.0 ? dy : dy / (1.0 + exp(-z));
    case UNARY_ELU: return z > 0.0 ? dy : dy * alpha * exp(z);
    case UNARY_GELU_TANH: {
        float u = 0.79788456080286536 * (z + 0.044715 * z * z * z);
        float t = tanh_(u);
        float du = 0.79788456080286536 * (1.0 + 0.134145 * z * z);
        return dy * (0.5 * (1.0 + t) + 0.5 * z * (1.0 - t * t) * du);
    }
    }
    return NAN;
}

// pow with the C library's answers for zero and negative bases.
float pow_(float x, float y) {
    if (y == 0.0) return 1.0;
    if (isnan(x) || isnan(y)) return NAN;
    if (x == 0.0) return y > 0.0 ? 0.0 : INF;
    if (x < 0.0) {
        if (floor(y) != y) return NAN;
        float m = pow(-x, y);
        return mod(y, 2.0) == 1.0 ? -m : m;
    }
    return pow(x, y);
}

// The binary ops (BINARY_* from ops.glsl).
float binaryOp(uint op, float a, float b) {
    switch (op) {
    case BINARY_ADD: return a + b;
    case BINARY_SUB: return a - b;
    case BINARY_MUL: return a * b;
    case BINARY_DIV: return a / b;
    case BINARY_MAX: return (isnan(a) || isnan(b)) ? NAN : max(a, b);
    case BINARY_MIN: return (isnan(a) || isnan(b)) ? NAN : min(a, b);
    case BINARY_POW: return pow_(a, b);
    case BINARY_EQ: return a == b ? 1.0 : 0.0;
    case BINARY_NE: return a != b ? 1.0 : 0.0;
    case BINARY_LT: return a < b ? 1.0 : 0.0;
    case BINARY_LE: return a <= b ? 1.0 : 0.0;
    case BINARY_GT: return a > b ? 1.0 : 0.0;
    case BINARY_GE: return a >= b ? 1.0 : 0.0;
    }
    return NAN;
}
