// SPDX-License-Identifier: MIT
import QtQuick
import DropSlot
import Dashboard

// A live dashboard: one tile per plant sensor, listed by a DropSlotTopicModel, each bound to
// its topic by a DropSlotTopic. However fast the sensors publish, each tile changes at most
// once per frame.
Window {
    id: window

    required property DropSlotBus sensorBus
    required property DashboardStats stats
    // dashboard --mqtt: the MqttFeed the sensors come through (null when they run here).
    property QtObject link: null

    width: 1280
    height: 840 + linkBar.height
    visible: true
    color: "#11161d"
    title: "DropSlot dashboard"

    DropSlotTopicModel {
        id: sensors
        bus: window.sensorBus
        filter: "plant/*"
    }

    Row {
        id: header
        x: 12
        height: 44
        spacing: 28
        Text {
            anchors.verticalCenter: parent.verticalCenter
            text: "DropSlot live dashboard — " + sensors.count + " sensors"
            color: "#e8eef6"
            font.pixelSize: 17
            font.bold: true
        }
        Repeater {
            model: [
                [window.link ? "farm publishes/s" : "publishes/s", window.stats.publishesPerSecond],
                ["deliveries/s", window.stats.deliveriesPerSecond],
                ["frames/s", window.stats.framesPerSecond],
            ]
            delegate: Text {
                required property var modelData
                anchors.verticalCenter: parent.verticalCenter
                text: modelData[0] + ": " + Math.round(modelData[1]).toLocaleString(Qt.locale("en_US"), "f", 0)
                color: "#9fb3c8"
                font.pixelSize: 14
            }
        }
    }

    Row {
        id: linkBar
        x: 12
        y: header.height
        height: window.link ? 26 : 0
        visible: window.link !== null
        spacing: 28
        Text {
            text: window.link ? "MQTT " + window.link.endpoint + " — link: " + window.link.state : ""
            color: window.link && window.link.state === "Connected" ? "#9fb3c8" : "#f0a020"
            font.pixelSize: 14
        }
        Text {
            text: window.link ? "sensor farm: " + window.link.farmStatus : ""
            color: window.link && window.link.farmStatus === "online" ? "#3ddc84" : "#f05050"
            font.pixelSize: 14
            font.bold: true
        }
        Text {
            text: window.link ? "on the wire: " + Math.round(window.link.messagesPerSecond).toLocaleString(Qt.locale("en_US"), "f", 0) + " messages/s" : ""
            color: "#9fb3c8"
            font.pixelSize: 14
        }
        Text {
            text: !window.link ? "" : "round trip: " + (window.link.roundTripMs < 0 ? "–" : window.link.roundTripMs.toFixed(1) + " ms")
            color: "#9fb3c8"
            font.pixelSize: 14
        }
    }

    Grid {
        x: 8
        y: header.height + linkBar.height
        columns: 16
        spacing: 4
        Repeater {
            model: sensors
            delegate: Tile {
                width: 75
                height: 52
                sensorBus: window.sensorBus
            }
        }
    }
}
