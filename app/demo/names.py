"""Names as a UK school's MIS might hold them, drawn from many backgrounds.

Pairs keep a forename with a surname from the same tradition, so generated students look like
real class lists rather than random mixes.
"""

FAMILIES: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (
        ("Oliver", "Amelia", "Harry", "Isla", "George", "Freya", "Alfie", "Poppy", "Jack", "Evie"),
        ("Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Davies", "Evans", "Hughes"),
    ),
    (
        ("Siobhán", "Ciarán", "Aoife", "Niamh", "Seán", "Orla", "Pádraig", "Róisín"),
        ("O'Brien", "Murphy", "Ó Súilleabháin", "Kelly", "O'Neill", "Byrne", "McCarthy"),
    ),
    (
        ("Łukasz", "Zofia", "Jakub", "Małgorzata", "Wiktoria", "Paweł", "Agnieszka"),
        ("Kowalski", "Wiśniewska", "Wójcik", "Lewandowski", "Kamińska", "Zieliński"),
    ),
    (
        ("Thị Mai", "Văn Minh", "Thu Hà", "Đức Anh", "Ngọc Lan", "Quang Huy"),
        ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ"),
    ),
    (
        ("Priya", "Arjun", "Ananya", "Rohan", "Kavya", "Dev", "Simran", "Harpreet"),
        ("Patel", "Sharma", "Singh", "Kaur", "Gupta", "Shah", "Chaudhry"),
    ),
    (
        ("Oluwaseun", "Chiamaka", "Tobi", "Adaeze", "Kwame", "Abena", "Femi"),
        ("Okafor", "Adeyemi", "Mensah", "Okonkwo", "Boateng", "Eze"),
    ),
    (
        ("Mohammed", "Aisha", "Yusuf", "Fatima", "Omar", "Maryam", "Bilal", "Zainab"),
        ("Khan", "Ahmed", "Hussain", "Ali", "Rahman", "Begum", "Iqbal"),
    ),
    (
        ("Zoë", "Chloë", "Noël", "Anaïs", "Renée", "Hélène", "Loïc"),
        ("Dubois", "Lefèvre", "Moreau", "Fontaine", "Girard", "Bérenger"),
    ),
    (
        ("Ingrid", "Søren", "Astrid", "Bjørn", "Sigrid", "Håkon"),
        ("Ødegård", "Johansen", "Hansen", "Lindqvist", "Sørensen", "Åberg"),
    ),
    (
        ("Αλέξανδρος", "Eleni", "Nikos", "Sofia", "Giorgos"),
        ("Papadopoulos", "Georgiou", "Christodoulou", "Nikolaou"),
    ),
    (
        ("Dmitri", "Anastasia", "Ivan", "Yulia", "Oleksandr", "Kateryna"),
        ("Ivanov", "Shevchenko", "Petrenko", "Kuznetsova", "Bondarenko"),
    ),
    (
        ("Wei", "Mei", "Jun", "Xin Yi", "Hao", "Li Na"),
        ("Chen", "Wang", "Li", "Zhang", "Liu", "Huang"),
    ),
    (
        ("Dafydd", "Cerys", "Rhys", "Seren", "Gethin", "Angharad"),
        ("Jones", "Llewellyn", "Pritchard", "Rees", "ap Iorwerth"),
    ),
    (
        ("Catalina", "Mateo", "Lucía", "Santiago", "Valentina"),
        ("García", "Martínez", "Rodríguez", "López", "Fernández"),
    ),
)

STAFF = (
    "Ms R. Okafor",
    "Mr D. Hughes",
    "Dr S. Iqbal",
    "Mrs H. Kowalczyk",
    "Mr T. Ó Briain",
    "Ms L. Chen",
    "Mr J. Fairweather",
    "Mrs A. Mensah",
)
