// Shared helpers of vkgrad's compute shaders. Every shader takes its
// workgroup size from specialization constant 0 and walks a grid of up to
// 65535 x 65535 workgroups, so any element count fits the device limits.

layout(local_size_x_id = 0) in;

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

// The unary ops, numbered as device.UnaryOp.
float unaryOp(uint op, float x, float alpha) {
    switch (op) {
    case 0u: return x;
    case 1u: return -x;
    case 2u: return abs(x);
    case 3u: return exp(x);
    case 4u: return log(x);
    case 5u: return sqrt(x);
    case 6u: return x * x;
    case 7u: return (x > 0.0 || isnan(x)) ? x : 0.0;
    case 8u: return x > 0.0 ? x : alpha * x;
    case 9u: return 1.0 / (1.0 + exp(-x));
    case 10u: return tanh_(x);
    case 11u: return 0.5 * x * (1.0 + erf_(x * 0.70710678118654752));
    }
    return NAN;
}

// unaryGrad is dy * op'(.), from z: the output y for exp (3), sqrt (5),
// sigmoid (9) and tanh (10), the input x for the others.
float unaryGrad(uint op, float z, float dy, float alpha) {
    switch (op) {
    case 0u: return dy;
    case 1u: return -dy;
    case 2u: return z > 0.0 ? dy : (z < 0.0 ? -dy : 0.0);
    case 3u: return dy * z;
    case 4u: return dy / z;
    case 5u: return dy / (2.0 * z);
    case 6u: return 2.0 * z * dy;
    case 7u: return z > 0.0 ? dy : 0.0;
    case 8u: return z > 0.0 ? dy : alpha * dy;
    case 9u: return dy * z * (1.0 - z);
    case 10u: return dy * (1.0 - z * z);
    case 11u: {
        float cdf = 0.5 * (1.0 + erf_(z * 0.70710678118654752));
        float pdf = exp(-0.5 * z * z) * 0.39894228040143268;
        return dy * (cdf + z * pdf);
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

// The binary ops, numbered as device.BinaryOp.
float binaryOp(uint op, float a, float b) {
    switch (op) {
    case 0u: return a + b;
    case 1u: return a - b;
    case 2u: return a * b;
    case 3u: return a / b;
    case 4u: return (isnan(a) || isnan(b)) ? NAN : max(a, b);
    case 5u: return (isnan(a) || isnan(b)) ? NAN : min(a, b);
    case 6u: return pow_(a, b);
    case 7u: return a == b ? 1.0 : 0.0;
    case 8u: return a != b ? 1.0 : 0.0;
    case 9u: return a < b ? 1.0 : 0.0;
    case 10u: return a <= b ? 1.0 : 0.0;
    case 11u: return a > b ? 1.0 : 0.0;
    case 12u: return a >= b ? 1.0 : 0.0;
    }
    return NAN;
}
