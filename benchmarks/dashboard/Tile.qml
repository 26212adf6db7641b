// SPDX-License-Identifier: MIT
import QtQuick

// One sensor tile: its name, its newest reading and a bar. The feed sets name, value and
// hasValue; the harness reads value back after each frame to see what the frame showed.
Rectangle {
    id: tile

    required property int index
    property string name
    property real value
    property bool hasValue

    objectName: "benchTile"
    width: 75
    height: 52
    radius: 3
    color: "#1c2430"
    border.color: "#2c3a4a"

    Text {
        x: 5
        y: 3
        width: tile.width - 10
        text: tile.name.slice(6).replace("line", "L")
        color: "#8b9bb0"
        font.pixelSize: 9
        elide: Text.ElideLeft
    }
    Text {
        x: 5
        y: 14
        text: tile.hasValue ? tile.value.toFixed(1) : "–"
        color: "#e8eef6"
        font.pixelSize: 15
        font.bold: true
    }
    Rectangle {
        x: 5
        y: tile.height - 12
        width: (tile.width - 10) * Math.max(0, Math.min(1, tile.value / 100))
        height: 6
        color: "#6fcf97"
    }
}
