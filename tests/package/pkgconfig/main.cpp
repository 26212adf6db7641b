// SPDX-License-Identifier: MIT
// Built with nothing but `pkg-config --cflags --libs DropSlot`: no CMake on the consumer's side.
#include <DropSlot/DropSlot>

#include <cstdio>

int main()
{
    DropSlot::Bus<int> bus;
    auto sub = bus.subscribe("answer");
    bus.publish("answer", 41);
    bus.publish("answer", 42);
    const auto message = sub.tryGetMessage();
    if (!message || *message != 42) {
        std::fprintf(stderr, "pkgconfig consumer: unexpected message\n");
        return 1;
    }
    std::printf("pkgconfig consumer: read %d\n", *message);
    return 0;
}
