package dev.cotenant.ops;

/**
 * Registration of the elementwise operators: activations and math functions, binary arithmetic,
 * comparison and logic with broadcasting, the variadic Sum/Max/Min/Mean, Where, Cast and CastLike.
 */
final class ElementwiseOps {

    private ElementwiseOps() {}

    static void register(OpTable t) {
        for (String op : new String[] {"Relu", "LeakyRelu", "Sigmoid", "Tanh", "HardSigmoid", "HardSwish", "Elu", "Selu",
                "Softplus", "Softsign", "ThresholdedRelu", "Celu", "Mish", "Exp", "Log", "Sqrt", "Neg", "Abs", "Reciprocal",
                "Floor", "Ceil", "Erf", "Sign", "Round", "Sin", "Cos", "Tan", "Asin", "Acos", "Atan", "Sinh", "Cosh", "Asinh",
                "Acosh", "Atanh", "Not", "IsNaN", "IsInf", "Shrink"}) {
            t.add(op, 1, new UnaryOp(op));
        }
        t.add("Gelu", 20, new UnaryOp("Gelu"));
        t.add("Clip", 1, new UnaryClip());

        t.add("Add", 1, new BinaryOp(BinaryFn.ADD, true, false));
        t.add("Sub", 1, new BinaryOp(BinaryFn.SUB, true, false));
        t.add("Mul", 1, new BinaryOp(BinaryFn.MUL, true, false));
        t.add("Div", 1, new BinaryOp(BinaryFn.DIV, true, false));
        t.add("Pow", 1, new BinaryOp(BinaryFn.POW, false, false));
        t.add("PRelu", 1, new BinaryOp(BinaryFn.PRELU, true, true));
        t.add("Mod", 10, ctx -> new BinaryOp(ctx.attrInt("fmod", 0) != 0 ? BinaryFn.FMOD : BinaryFn.MOD, true, false).bind(ctx));
        t.add("Equal", 1, new BinaryOp(BinaryFn.EQUAL, true, false));
        t.add("Greater", 1, new BinaryOp(BinaryFn.GREATER, true, false));
        t.add("Less", 1, new BinaryOp(BinaryFn.LESS, true, false));
        t.add("GreaterOrEqual", 12, new BinaryOp(BinaryFn.GREATER_OR_EQUAL, true, false));
        t.add("LessOrEqual", 12, new BinaryOp(BinaryFn.LESS_OR_EQUAL, true, false));
        t.add("And", 1, new BinaryOp(BinaryFn.AND, true, false));
        t.add("Or", 1, new BinaryOp(BinaryFn.OR, true, false));
        t.add("Xor", 1, new BinaryOp(BinaryFn.XOR, true, false));
        t.add("BitwiseAnd", 18, new BinaryOp(BinaryFn.BITWISE_AND, true, false));
        t.add("BitwiseOr", 18, new BinaryOp(BinaryFn.BITWISE_OR, true, false));
        t.add("BitwiseXor", 18, new BinaryOp(BinaryFn.BITWISE_XOR, true, false));
        t.add("BitShift", 11, ctx -> {
            String direction = ctx.attrString("direction", "");
            BinaryFn fn = switch (direction) {
                case "LEFT" -> BinaryFn.SHIFT_LEFT;
                case "RIGHT" -> BinaryFn.SHIFT_RIGHT;
                default -> throw ctx.fail("direction must be LEFT or RIGHT, got '" + direction + "'");
            };
            return new BinaryOp(fn, true, false).bind(ctx);
        });

        t.add("Sum", 1, new ElementwiseVariadic(BinaryFn.ADD, false));
        t.add("Mean", 1, new ElementwiseVariadic(BinaryFn.ADD, true));
        t.add("Max", 1, new ElementwiseVariadic(BinaryFn.MAX, false));
        t.add("Min", 1, new ElementwiseVariadic(BinaryFn.MIN, false));

        t.add("Where", 9, new WhereOp());
        t.add("Cast", 1, new CastOp(false));
        t.add("CastLike", 15, new CastOp(true));
    }
}
