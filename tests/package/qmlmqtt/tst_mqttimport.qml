// SPDX-License-Identifier: MIT
// The installed `import DropSlot.Mqtt` loads (its plugin finds the libraries through its relative
// RPATH) and its element refuses bad settings. No broker: the bridge stays inactive.
import QtQuick
import QtTest
import DropSlot
import DropSlot.Mqtt

TestCase {
    name: "InstalledDropSlotMqtt"

    DropSlotBus { id: bus }
    DropSlotMqttBridge {
        id: bridge
        bus: bus
        active: false
        exports: ["plant/#"]
    }

    function test_element() {
        compare(bridge.state, DropSlotMqttBridge.Disconnected);
        compare(bridge.bus, bus);
        ignoreWarning(/DropSlotMqttBridge: qos 5 is not 0, 1 or 2/);
        bridge.qos = 5;
        compare(bridge.qos, 1);
    }
}
