// Node shapes beyond sigma's discs and @sigma's squares and rings.

import { NodeSquareProgram } from "@sigma/node-square";

/**
 * A square turned by a quarter of a right angle: spec items, apart from the squares of files. The
 * square program places its six corners at angles; these are the same corners turned by PI / 4.
 */
export class NodeDiamondProgram extends NodeSquareProgram {
  getDefinition(): ReturnType<NodeSquareProgram["getDefinition"]> {
    const turned = [Math.PI / 2, Math.PI, 0, Math.PI, 0, -Math.PI / 2].map((a) => [a]);
    return { ...super.getDefinition(), CONSTANT_DATA: turned };
  }
}
