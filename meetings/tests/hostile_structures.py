"""Tagged PDFs made with pikepdf whose structure tree, ParentTree, IDTree, keys or bookmarks are hostile (issue 19's
adversarial review, tests/test_issue19_attack.py). `base` is a valid tagged PDF; each attack breaks one thing."""

import io

import pikepdf
from pikepdf import Array, Dictionary, Name, String


def base(text="VISIBLE-PDF-TEXT", pages=1):
    pdf = pikepdf.new()
    font = Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)
    root = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
    document = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, P=root, K=Array()))
    nums = []
    for n in range(pages):
        content = f"/P <</MCID 0>> BDC BT /F1 14 Tf 72 640 Td ({text} {n}) Tj ET EMC".encode()
        page = pikepdf.Page(Dictionary(Type=Name.Page, MediaBox=Array([0, 0, 595, 842]), StructParents=n))
        page.obj.Resources = Dictionary(Font=Dictionary(F1=font))
        page.obj.Contents = pdf.make_stream(content)
        pdf.pages.append(page)
        page = pdf.pages[n]
        p = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.P, P=document, Pg=page.obj, K=0))
        document.K.append(p)
        nums += [n, Array([p])]
    root.K = document
    root.ParentTree = pdf.make_indirect(Dictionary(Nums=Array(nums)))
    root.ParentTreeNextKey = pages
    pdf.Root.StructTreeRoot = root
    pdf.Root.MarkInfo = Dictionary(Marked=True)
    pdf.Root.Lang = String("en-GB")
    pdf.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
    return pdf


def save(pdf):
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def first_p(pdf):
    return pdf.Root.StructTreeRoot.K.K[0]


def k_cycle():
    pdf = base()
    p = first_p(pdf)
    doc = pdf.Root.StructTreeRoot.K
    p.K = Array([0, doc])
    return pdf


def p_loop():
    pdf = base()
    p = first_p(pdf)
    doc = pdf.Root.StructTreeRoot.K
    p.P = p
    doc.P = p
    return pdf


def parent_tree_deep():
    pdf = base()
    leaf = pdf.Root.StructTreeRoot.ParentTree
    node = pdf.make_indirect(Dictionary(Nums=leaf.Nums, Limits=Array([0, 0])))
    for _ in range(3000):
        node = pdf.make_indirect(Dictionary(Kids=Array([node]), Limits=Array([0, 0])))
    pdf.Root.StructTreeRoot.ParentTree = pdf.make_indirect(Dictionary(Kids=Array([node])))
    return pdf


def parent_tree_huge():
    pdf = base()
    p = first_p(pdf)
    nums = []
    for n in range(200_000):
        nums += [n, Array([p])]
    pdf.Root.StructTreeRoot.ParentTree = pdf.make_indirect(Dictionary(Nums=Array(nums)))
    pdf.Root.StructTreeRoot.ParentTreeNextKey = 200_000
    return pdf


def parent_tree_kids_loop():
    pdf = base()
    tree = pdf.Root.StructTreeRoot.ParentTree
    a = pdf.make_indirect(Dictionary(Limits=Array([0, 5])))
    a.Kids = Array([a, tree])
    pdf.Root.StructTreeRoot.ParentTree = pdf.make_indirect(Dictionary(Kids=Array([a])))
    return pdf


def struct_parents(value):
    def make():
        pdf = base()
        pdf.pages[0].obj.StructParents = value
        return pdf

    return make


def next_key_huge():
    pdf = base()
    pdf.Root.StructTreeRoot.ParentTreeNextKey = 2**62
    return pdf


def role_self():
    pdf = base()
    pdf.Root.StructTreeRoot.RoleMap = Dictionary(P=Name.P, Foo=Name.Foo)
    first_p(pdf).S = Name.Foo
    return pdf


def role_loop():
    pdf = base()
    pdf.Root.StructTreeRoot.RoleMap = Dictionary(A=Name.B, B=Name.A)
    first_p(pdf).S = Name.A
    return pdf


def role_not_names():
    pdf = base()
    pdf.Root.StructTreeRoot.RoleMap = Dictionary(A=Array([1, 2]), P=String("x"))
    first_p(pdf).S = Name.A
    return pdf


def idtree_bad_keys():
    pdf = base()
    p = first_p(pdf)
    pdf.Root.StructTreeRoot.IDTree = pdf.make_indirect(Dictionary(Names=Array([1, p, Name.X, p, String("ok"), p])))
    return pdf


def idtree_loop():
    pdf = base()
    a = pdf.make_indirect(Dictionary())
    a.Kids = Array([a])
    pdf.Root.StructTreeRoot.IDTree = a
    return pdf


def k_stream():
    pdf = base()
    doc = pdf.Root.StructTreeRoot.K
    doc.K = Array([pdf.make_stream(b"BT ET", S=Name.P), first_p(pdf)])
    return pdf


def root_k_stream():
    pdf = base()
    pdf.Root.StructTreeRoot.K = pdf.make_stream(b"x", S=Name.Document, Type=Name.StructElem)
    return pdf


def root_not_dict():
    pdf = base()
    pdf.Root.StructTreeRoot = Array([1, 2, 3])
    return pdf


def root_is_stream():
    pdf = base()
    old = pdf.Root.StructTreeRoot
    s = pdf.make_stream(b"nothing")
    s.Type = Name.StructTreeRoot
    s.K = old.K
    s.ParentTree = old.ParentTree
    pdf.Root.StructTreeRoot = s
    return pdf


def deep_tree():
    pdf = base()
    doc = pdf.Root.StructTreeRoot.K
    p = first_p(pdf)
    parent = doc
    for _ in range(5000):
        el = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Div, P=parent, K=Array()))
        parent.K = Array([el]) if parent is not doc else Array([el])
        parent = el
    parent.K = Array([p])
    p.P = parent
    return pdf


def outline_loop():
    pdf = base()
    a = pdf.make_indirect(Dictionary(Title=String("A"), Dest=Array([pdf.pages[0].obj, Name.Fit])))
    b = pdf.make_indirect(Dictionary(Title=String("B"), Dest=Array([pdf.pages[0].obj, Name.Fit])))
    outlines = pdf.make_indirect(Dictionary(Type=Name.Outlines, First=a, Last=b, Count=2))
    a.Parent = outlines
    b.Parent = outlines
    a.Next = b
    b.Next = a
    b.Prev = a
    a.Prev = b
    pdf.Root.Outlines = outlines
    return pdf


def outline_child_loop():
    pdf = base()
    a = pdf.make_indirect(Dictionary(Title=String("A"), Dest=Array([pdf.pages[0].obj, Name.Fit])))
    outlines = pdf.make_indirect(Dictionary(Type=Name.Outlines, First=a, Last=a, Count=1))
    a.Parent = outlines
    a.First = a
    a.Last = a
    a.Count = 1
    pdf.Root.Outlines = outlines
    return pdf


def outline_many():
    pdf = base()
    outlines = pdf.make_indirect(Dictionary(Type=Name.Outlines))
    items = [
        pdf.make_indirect(Dictionary(Title=String(f"B{n}"), Parent=outlines, Dest=Array([pdf.pages[0].obj, Name.Fit])))
        for n in range(10_001)
    ]
    for x, y in zip(items, items[1:], strict=False):
        x.Next = y
        y.Prev = x
    outlines.First = items[0]
    outlines.Last = items[-1]
    outlines.Count = len(items)
    pdf.Root.Outlines = outlines
    return pdf


def outline_missing_dest():
    pdf = base()
    ghost = pdf.make_indirect(Dictionary(Type=Name.Page, MediaBox=Array([0, 0, 10, 10])))
    a = pdf.make_indirect(Dictionary(Title=String("ghost"), Dest=Array([ghost, Name.Fit])))
    b = pdf.make_indirect(Dictionary(Title=String("named"), Dest=String("nowhere")))
    c = pdf.make_indirect(Dictionary(Title=String("number"), Dest=Array([99, Name.Fit])))
    d = pdf.make_indirect(Dictionary(Title=String("empty"), Dest=Array([])))
    e = pdf.make_indirect(Dictionary(Title=String("act"), A=Dictionary(S=Name.GoTo, D=Array([ghost]))))
    outlines = pdf.make_indirect(Dictionary(Type=Name.Outlines, First=a, Last=e, Count=5))
    for x, y in zip([a, b, c, d, e], [b, c, d, e], strict=False):
        x.Next = y
        y.Prev = x
    for x in (a, b, c, d, e):
        x.Parent = outlines
    pdf.Root.Outlines = outlines
    return pdf


def lang_control():
    pdf = base()
    pdf.Root.Lang = String("\x00\x1b[31m\n<script>")
    return pdf


def lang_huge():
    pdf = base()
    pdf.Root.Lang = String("x" * 100_000)
    return pdf


def parent_tree_values_bad():
    pdf = base()
    pdf.Root.StructTreeRoot.ParentTree = pdf.make_indirect(Dictionary(Nums=Array([0, 5, Name.X, Array([])])))
    return pdf


def parent_tree_not_dict():
    pdf = base()
    pdf.Root.StructTreeRoot.ParentTree = Array([0, 1])
    return pdf


def annot_struct_parent_bad():
    pdf = base()
    annot = pdf.make_indirect(
        Dictionary(
            Type=Name.Annot,
            Subtype=Name.Link,
            Rect=Array([0, 0, 10, 10]),
            StructParent=String("x"),
            A=Dictionary(S=Name.URI, URI=String("https://a.example")),
        )
    )
    pdf.pages[0].obj.Annots = Array([annot])
    return pdf


def xobject_struct_parents_bad():
    pdf = base()
    form = pdf.make_stream(b"", Type=Name.XObject, Subtype=Name.Form, BBox=Array([0, 0, 1, 1]), StructParents=Name.Bad)
    pdf.pages[0].obj.Resources.XObject = Dictionary(X=form)
    return pdf


def mcid_huge():
    pdf = base()
    first_p(pdf).K = 2**40
    return pdf


def element_s_missing_type():
    pdf = base()
    first_p(pdf).S = String("P")
    return pdf


def part_T_array():
    pdf = base()
    pdf.Root.StructTreeRoot.K.T = Array([1])
    return pdf


ATTACKS = {
    name: fn
    for name, fn in dict(
        k_cycle=k_cycle,
        p_loop=p_loop,
        parent_tree_deep=parent_tree_deep,
        parent_tree_kids_loop=parent_tree_kids_loop,
        sp_huge=struct_parents(2**31),
        sp_neg=struct_parents(-1),
        sp_real=struct_parents(1.5),
        sp_name=struct_parents(Name.X),
        sp_string=struct_parents(String("0")),
        next_key_huge=next_key_huge,
        role_self=role_self,
        role_loop=role_loop,
        role_not_names=role_not_names,
        idtree_bad_keys=idtree_bad_keys,
        idtree_loop=idtree_loop,
        k_stream=k_stream,
        root_k_stream=root_k_stream,
        root_not_dict=root_not_dict,
        root_is_stream=root_is_stream,
        deep_tree=deep_tree,
        outline_loop=outline_loop,
        outline_child_loop=outline_child_loop,
        outline_many=outline_many,
        outline_missing_dest=outline_missing_dest,
        lang_control=lang_control,
        lang_huge=lang_huge,
        parent_tree_values_bad=parent_tree_values_bad,
        parent_tree_not_dict=parent_tree_not_dict,
        annot_struct_parent_bad=annot_struct_parent_bad,
        xobject_struct_parents_bad=xobject_struct_parents_bad,
        mcid_huge=mcid_huge,
        element_s_missing_type=element_s_missing_type,
        part_T_array=part_T_array,
    ).items()
}
