// SPDX-License-Identifier: MIT
import QtQuick
import QtTest
import DropSlot

TestCase {
    id: testCase
    name: "DropSlotTopicModel"
    when: windowShown

    DropSlotBus {
        id: privateBus
    }
    Component {
        id: modelComponent
        DropSlotTopicModel {}
    }
    Component {
        id: repeaterComponent
        Repeater {
            delegate: Item {
                required property string name
                required property var value
                required property bool stale
            }
        }
    }

    function cleanup() {
        for (const name of privateBus.topicNames())
            privateBus.removeTopic(name)
    }

    function test_rowsFollowMatchingTopics() {
        privateBus.publish("sensors/a/temp", 1)
        privateBus.publish("sensors/b/temp", 2)
        privateBus.publish("motors/1", 3)
        const model = createTemporaryObject(modelComponent, testCase, { bus: privateBus, filter: "sensors/*" })
        compare(model.count, 2) // '*' crosses '/'
        compare(model.indexOf("sensors/a/temp"), 0)
        compare(model.indexOf("sensors/b/temp"), 1)
        compare(model.indexOf("motors/1"), -1)

        privateBus.publish("sensors/0/humidity", 4) // appears, sorted by name
        tryCompare(model, "count", 3)
        compare(model.indexOf("sensors/0/humidity"), 0)
        privateBus.publish("elsewhere", 5) // does not match
        privateBus.removeTopic("sensors/a/temp")
        tryCompare(model, "count", 2)
        compare(model.indexOf("sensors/a/temp"), -1)
    }

    function test_questionMarkAndEmptyFilter() {
        privateBus.publish("a1", 1)
        privateBus.publish("a22", 2)
        privateBus.publish("b1", 3)
        const one = createTemporaryObject(modelComponent, testCase, { bus: privateBus, filter: "a?" })
        compare(one.count, 1)
        const all = createTemporaryObject(modelComponent, testCase, { bus: privateBus, filter: "" })
        compare(all.count, 3)
        all.filter = "*1"
        compare(all.count, 2)
    }

    function test_rolesInADelegate() {
        privateBus.publish("tile/x", 10)
        privateBus.publish("tile/y", "why")
        const model = createTemporaryObject(modelComponent, testCase, { bus: privateBus, filter: "tile/*" })
        const repeater = createTemporaryObject(repeaterComponent, testCase, { model: model })
        compare(repeater.count, 2)
        compare(repeater.itemAt(0).name, "tile/x")
        compare(repeater.itemAt(0).value, 10)
        compare(repeater.itemAt(1).value, "why")
        privateBus.publish("tile/x", 11)
        tryCompare(repeater.itemAt(0), "value", 11)
        privateBus.publish("tile/z", [1, 2])
        tryCompare(repeater, "count", 3)
        compare(repeater.itemAt(2).value, [1, 2])
    }

    function test_staleRole() {
        privateBus.publish("s/1", 1)
        const model = createTemporaryObject(modelComponent, testCase, { bus: privateBus, filter: "s/*", staleAfter: 60 })
        const repeater = createTemporaryObject(repeaterComponent, testCase, { model: model })
        verify(!repeater.itemAt(0).stale)
        tryCompare(repeater.itemAt(0), "stale", true)
        privateBus.publish("s/1", 2)
        tryCompare(repeater.itemAt(0), "stale", false)
    }

    function test_negativeStaleAfterIsRefused() {
        const model = createTemporaryObject(modelComponent, testCase,
                                            { bus: privateBus, staleAfter: 60 })
        ignoreWarning(/staleAfter cannot be negative \(-60\); it stays 60/)
        model.staleAfter = -60
        compare(model.staleAfter, 60)
    }

    function test_busChangeRebuilds() {
        privateBus.publish("only/on/private", 1)
        const model = createTemporaryObject(modelComponent, testCase, { bus: privateBus, filter: "only/*" })
        compare(model.count, 1)
        model.bus = null // the default bus
        compare(model.count, 0)
        model.bus = privateBus
        compare(model.count, 1)
    }
}
