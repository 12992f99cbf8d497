# Sourced by ./cotenant and by the distribution's bin/cotenant, so that a checkout and a distribution
# run the product with the same JVM flags. cotenant_jvm_flags COMMAND sets the array
# COTENANT_JVM_FLAGS for running COMMAND (the first argument given to the launcher).
#
# Memory: the serial collector with a 16 MiB young generation. Plans allocate nothing per operator,
# so a large young generation buys nothing at run time, while every page of it stays resident (the
# default is a third of 1/64 of the machine's memory, 125 MiB on 24 GiB). The engine asks for a full
# collection after loading a large model, which keeps the old generation near what is live; the
# parallel collector used before grew the heap to 3-4 times that instead (bench/RESULTS.md, Peak
# memory). Benchmark children inherit these flags, so the measured figures are what users get.
# JIT: four compiler threads instead of the two the JVM gives a 2-core machine. With one C2 thread
# the queue of vector kernels to compile grew long when several models shared the JVM: BERT-base
# after MobileNetV2 ran some kernels un-compiled for over 30 s (220 and 340-390 ms runs in turn,
# and 210 ms steady with four threads), for 15-30 MiB more peak memory while they compile.
# The server is the exception: every request allocates its tensors and buffers, and through a
# 16 MiB young generation they reached the old one, which the serial collector grows rather than
# collects: RSS rose by 40 MiB a second under 2x load for a whole minute (1.2 -> 3.9 GiB, half of it
# garbage). With 256 MiB they die young and RSS levels off once the plans for each batch size exist.
# Inlining: erf's first pass (exp(-x^2) into a scratch chunk) must stay a call of its own. Inlined
# into the second pass, the whole expression outgrew C2's inlining budget, parts of the Vector API
# were left as calls with their vectors boxed, and GELU ran at 265 us per 64K values instead of
# 137 (kernels/UnaryMath.java). C2 offers no annotation for this outside the JDK.
cotenant_jvm_flags() {
  local young=16m
  if [ "${1:-}" = serve ]; then
    young=256m
  fi
  COTENANT_JVM_FLAGS=(--add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED
    -XX:+UseSerialGC "-Xmn$young" -XX:CICompilerCount=4
    -XX:CompileCommand=quiet -XX:CompileCommand=dontinline,dev.cotenant.kernels.UnaryMath::expNegSquares
    --sun-misc-unsafe-memory-access=allow)
}
