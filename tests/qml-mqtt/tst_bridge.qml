// SPDX-License-Identifier: MIT
// DropSlotMqttBridge against a real broker (started by the runner: `broker`), checked with
// Mosquitto's own clients and with a second bridge on another bus.
import QtQuick
import QtTest
import DropSlot
import DropSlot.Mqtt

TestCase {
    id: testCase
    name: "DropSlotMqttBridge"

    Component {
        id: busComponent
        DropSlotBus {}
    }
    Component {
        id: topicComponent
        DropSlotTopic {}
    }
    Component {
        id: bridgeComponent
        DropSlotMqttBridge {
            host: "127.0.0.1"
            port: broker.port
        }
    }

    function init() {
        if (!broker.available)
            skip(broker.error);
    }

    function makeBridge(properties) {
        const bridge = createTemporaryObject(bridgeComponent, testCase, properties);
        verify(bridge);
        return bridge;
    }

    function test_defaults() {
        const bridge = makeBridge({ active: false });
        compare(bridge.port, broker.port);
        compare(bridge.qos, 1);
        compare(bridge.retain, true);
        compare(bridge.keepAliveSeconds, 30);
        compare(bridge.minimumInterval, 0);
        compare(bridge.state, DropSlotMqttBridge.Disconnected);
        compare(bridge.connected, false);
        compare(bridge.lastError, "");
        compare(bridge.sent, 0);
        compare(bridge.bus, null);
    }

    function test_stateFollowsActive() {
        const bridge = makeBridge({ active: false });
        const states = [];
        bridge.stateChanged.connect(() => states.push(bridge.state));
        bridge.active = true;
        tryCompare(bridge, "connected", true, 10000);
        compare(bridge.state, DropSlotMqttBridge.Connected);
        verify(states.indexOf(DropSlotMqttBridge.Connecting) >= 0, "Connecting came first");
        bridge.active = false;
        tryCompare(bridge, "state", DropSlotMqttBridge.Disconnected, 10000);
        compare(bridge.connected, false);
    }

    function test_roundTripThroughBroker() {
        const busA = createTemporaryObject(busComponent, testCase);
        const busB = createTemporaryObject(busComponent, testCase);
        const source = createTemporaryObject(topicComponent, testCase,
                                             { bus: busA, name: "plant/temperature" });
        const sink = createTemporaryObject(topicComponent, testCase,
                                           { bus: busB, name: "plant/temperature" });
        const exporter = makeBridge({ bus: busA, remotePrefix: "roundtrip/",
                                      exports: ["plant/#"] });
        const importer = makeBridge({ bus: busB, remotePrefix: "roundtrip/",
                                      imports: ["plant/#"] });
        tryCompare(exporter, "connected", true, 10000);
        tryCompare(importer, "connected", true, 10000);

        verify(source.publish({ celsius: 21.5, sensor: "t1" }));
        tryCompare(sink, "hasValue", true, 10000);
        compare(sink.value.celsius, 21.5);
        compare(sink.value.sensor, "t1");
        tryVerify(() => exporter.sent >= 1, 5000, "the exporter counts what it sent");
        tryVerify(() => importer.received >= 1, 5000, "the importer counts what it received");

        // What another client reads: JSON text, retained.
        compare(JSON.parse(broker.retained("roundtrip/plant/temperature")),
                { celsius: 21.5, sensor: "t1" });
        // And what another client sends arrives too.
        verify(broker.publish("roundtrip/plant/pressure", "1013", false));
        tryVerify(() => busB.latest("plant/pressure") === 1013, 10000);
        tryVerify(() => importer.received >= 2, 5000);
    }

    function test_appendedExportsNeedNoNewConnection() {
        const bus = createTemporaryObject(busComponent, testCase);
        const bridge = makeBridge({ bus: bus, remotePrefix: "append/", exports: ["a"] });
        tryCompare(bridge, "connected", true, 10000);
        let disconnects = 0;
        bridge.connectedChanged.connect(() => { if (!bridge.connected) ++disconnects; });
        bridge.exports = ["a", "b"];
        verify(bus.publish("b", "second"));
        tryVerify(() => broker.retained("append/b") === "\"second\"", 10000);
        compare(disconnects, 0);
    }

    function test_refusedConnection() {
        const bridge = makeBridge({ port: broker.closedPort });
        const errors = [];
        bridge.errorOccurred.connect(message => errors.push(message));
        tryVerify(() => bridge.lastError !== "", 10000, "a refused connection sets lastError");
        verify(errors.length > 0, "errorOccurred was emitted");
        compare(bridge.connected, false);
        // It keeps trying: between attempts it is still connecting.
        tryCompare(bridge, "state", DropSlotMqttBridge.Connecting, 10000);

        // Pointed at the broker, it connects and forgets the old error.
        bridge.port = broker.port;
        tryCompare(bridge, "connected", true, 10000);
        compare(bridge.lastError, "");
    }

    function test_badSettingsWarn_data() {
        return [
            { tag: "port 0", property: "port", value: 0 },
            { tag: "port 70000", property: "port", value: 70000 },
            { tag: "qos 3", property: "qos", value: 3 },
            { tag: "keepAlive 2", property: "keepAliveSeconds", value: 2 },
            { tag: "negative interval", property: "minimumInterval", value: -1 },
            { tag: "wildcard prefix", property: "remotePrefix", value: "site/+/" },
            { tag: "wildcard status", property: "statusTopic", value: "status/#" },
        ];
    }

    function test_badSettingsWarn(data) {
        const bridge = makeBridge({ active: false });
        const before = bridge[data.property];
        ignoreWarning(new RegExp("DropSlotMqttBridge: " + data.property + ".*it stays"));
        bridge[data.property] = data.value;
        compare(bridge[data.property], before);
    }

    function test_badFilterWarns() {
        const bridge = makeBridge({ active: false });
        ignoreWarning(/DropSlotMqttBridge: export filter "a\/#\/b" ignored/);
        ignoreWarning(/DropSlotMqttBridge: import filter "x\+" ignored/);
        bridge.exports = ["a/#/b", "ok/#"];
        bridge.imports = ["x+"];
        bridge.active = true;
        tryCompare(bridge, "connected", true, 10000);
    }

    function test_typedBusRefusalCountsDecodeErrors() {
        const counter = createTemporaryObject(topicComponent, testCase,
                                              { bus: intBus, name: "typed/count" });
        const bridge = makeBridge({ bus: intBus, remotePrefix: "typed-in/", imports: ["typed/#"] });
        tryCompare(bridge, "connected", true, 10000);

        verify(broker.publish("typed-in/typed/count", "21.5", false)); // no int
        tryCompare(bridge, "decodeErrors", 1, 10000);
        verify(broker.publish("typed-in/typed/count", "\"text\"", false));
        tryCompare(bridge, "decodeErrors", 2, 10000);
        compare(counter.hasValue, false);

        verify(broker.publish("typed-in/typed/count", "42", false));
        tryCompare(counter, "value", 42, 10000);
        tryCompare(bridge, "received", 3, 5000); // the counters refresh on a timer
        compare(bridge.decodeErrors, 2);
    }

    function test_typedBusExport() {
        const bridge = makeBridge({ bus: intBus, remotePrefix: "typed-out/", exports: ["n"] });
        tryCompare(bridge, "connected", true, 10000);
        verify(intBus.publish("n", 7));
        tryVerify(() => broker.retained("typed-out/n") === "7", 10000);
    }

    function test_busDestroyedStopsBridge() {
        const bus = busComponent.createObject(testCase);
        const bridge = makeBridge({ bus: bus });
        tryCompare(bridge, "connected", true, 10000);
        ignoreWarning(/DropSlotMqttBridge: its bus was destroyed/);
        bus.destroy();
        tryCompare(bridge, "state", DropSlotMqttBridge.Disconnected, 10000);
        compare(bridge.bus, null);
        wait(0); // the warning is said a moment later
    }
}
