import type { Handler } from 'htmlparser2';
import type { DomElement, DomNode, DomText } from './dom.ts';

/**
 * A lean tree builder for htmlparser2's Parser, in place of domhandler's DomHandler. Extraction reads only
 * elements (type, name, attribs, children, parent), text (data) and the root, so the tree keeps just those:
 * no comments, processing instructions, sibling links or source positions. Nodes are smaller (less to
 * allocate and collect) and every `type` is a plain field (domhandler's Text answers it from a getter).
 * Text is split exactly where DomHandler splits it: adjacent text merges unless a tag, comment or processing
 * instruction came between, so lengths measured per text node are the same.
 */
class Root implements DomNode {
  type = 'root';
  parent: DomNode | null = null;
  children: DomNode[] = [];
  name = '';
  attribs: Record<string, string> = {};
}

class Element implements DomElement {
  type: string;
  name: string;
  attribs: Record<string, string>;
  children: DomNode[] = [];
  parent: DomElement;
  constructor(name: string, attribs: Record<string, string>, parent: DomElement) {
    // DomHandler's element types in HTML mode.
    this.type = name === 'script' ? 'script' : name === 'style' ? 'style' : 'tag';
    this.name = name;
    this.attribs = attribs;
    this.parent = parent;
  }
}

class Text implements DomText {
  type = 'text';
  data: string;
  parent: DomElement;
  constructor(data: string, parent: DomElement) {
    this.data = data;
    this.parent = parent;
  }
}

export class TreeBuilder implements Partial<Handler> {
  readonly root: DomElement = new Root();
  private stack: DomElement[] = [this.root];
  private top: DomElement = this.root;
  private lastText: Text | null = null;

  onopentag(name: string, attribs: Record<string, string>): void {
    const el = new Element(name, attribs, this.top);
    this.top.children.push(el);
    this.stack.push(el);
    this.top = el;
    this.lastText = null;
  }
  onclosetag(): void {
    this.lastText = null;
    // Like DomHandler: the parser never closes more than it opened, but the root always stays.
    if (this.stack.length > 1) this.stack.pop();
    this.top = this.stack[this.stack.length - 1];
  }
  ontext(data: string): void {
    if (this.lastText) this.lastText.data += data;
    else {
      const t = new Text(data, this.top);
      this.top.children.push(t);
      this.lastText = t;
    }
  }
  oncomment(): void {
    this.lastText = null;
  }
  oncommentend(): void {
    this.lastText = null;
  }
  onprocessinginstruction(): void {
    this.lastText = null;
  }
  oncdatastart(): void {
    this.lastText = null;
  }
  oncdataend(): void {
    this.lastText = null;
  }
  onerror(error: Error): void {
    throw error;
  }
}
